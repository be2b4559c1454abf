/**
 * `grapheme import deepmind DIR --output OUT [--limit N]`: DeepMind's mathematics_dataset
 * (one of its folders: train-easy, train-medium, train-hard, interpolate, extrapolate)
 * → `OUT/<module>/level_N.jsonl`, every line verified by the Engine; prints per module
 * how many questions were converted and why the others were not (docs/benchmark.md).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Option } from "effect"
import { formatImportReport, importDeepmind } from "../layers/import/deepmind.js"
import { UsageError } from "./errors.js"

const dirArg = Args.text({ name: "dir" }).pipe(
  Args.withDescription("A folder of the dataset holding <module>.txt files (e.g. mathematics_dataset-v1.0/interpolate).")
)
const outputOption = Options.text("output").pipe(
  Options.withAlias("o"),
  Options.withPseudoName("OUT"),
  Options.withDescription("Where to write OUT/<module>/level_N.jsonl (a module's earlier level files there are replaced).")
)
const limitOption = Options.integer("limit").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("Read at most N questions of each file."),
  Options.optional
)

const deepmindCommand = Command.make("deepmind", { dir: dirArg, output: outputOption, limit: limitOption }, (args) =>
  Effect.gen(function* () {
    if (Option.isSome(args.limit) && args.limit.value < 1)
      return yield* new UsageError({ message: `--limit must be 1 or more, got ${args.limit.value}` })
    const report = yield* importDeepmind(args.dir, args.output, { limit: Option.getOrUndefined(args.limit) })
    yield* Console.log(formatImportReport(report))
  })
).pipe(
  Command.withDescription(
    "Convert DeepMind's mathematics_dataset (question/answer text files) for the modules the curriculum teaches " +
      "(arithmetic, polynomials__evaluate, calculus__differentiate, algebra__linear_1d) into verified JSONL, one file per module and level; " +
      "grade a checkpoint on them with grapheme validate --model FILE --data OUT/<module>/level_N.jsonl (docs/benchmark.md)."
  )
)

export const importCommand = Command.make("import").pipe(
  Command.withDescription("Bring an external benchmark in as verified JSONL (docs/benchmark.md)."),
  Command.withSubcommands([deepmindCommand])
)
