/**
 * `grapheme validate --model FILE --data DIR|FILE [--json] [--show-wrong N]`: grades a
 * checkpoint's brain on a dataset (per level: accuracy, exact-form match, mean GED,
 * count). A table on stdout, or JSON for machines; with --show-wrong, the first N lines
 * the brain got wrong or left unanswered, each with its input, the brain's answer and
 * the expected one.
 */
import * as Options from "@effect/cli/Options"
import { Console, Effect, Layer, Option } from "effect"
import { ArithmeticBrainLive } from "../layers/brain/ArithmeticBrainLive.js"
import { storageLayers } from "../layers/storage/index.js"
import { formatScores, overallScore, formatWrong, validateModelReport } from "../layers/trainer/validateModel.js"
import { UsageError } from "./errors.js"

export const modelOption = Options.text("model").pipe(
  Options.withDescription("A checkpoint (checkpoints/final.bin, latest.bin, epoch_E_level_L.bin) to grade."),
  Options.optional
)
export const dataOption = Options.text("data").pipe(
  Options.withDescription("With --model: a dataset directory or one .jsonl file (e.g. data/generated/test/, data/edge_cases/test_hard.jsonl)."),
  Options.optional
)
export const jsonOption = Options.boolean("json").pipe(Options.withDescription("With --model: print the scores as JSON."))
export const showWrongOption = Options.integer("show-wrong").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("With --model: after the table, the first N lines answered wrong or not at all (input, the brain's answer, the expected one)."),
  Options.withDefault(0)
)

export const validateModelHandler = (args: {
  readonly model: string
  readonly data: Option.Option<string>
  readonly json: boolean
  readonly showWrong?: number
}) =>
  Effect.gen(function* () {
    if (Option.isNone(args.data)) return yield* new UsageError({ message: "--model needs --data DIR|FILE" })
    const showWrong = args.showWrong ?? 0
    if (showWrong < 0) return yield* new UsageError({ message: `--show-wrong must be 0 or more, got ${showWrong}` })
    const report = yield* validateModelReport(args.model, args.data.value, { showWrong })
    // JSON: a row per level (or group and level), then the row "all".
    const rows = [...report.scores, { level: "all", ...overallScore(report.scores) }]
    if (args.json) yield* Console.log(JSON.stringify(showWrong > 0 ? { ...report, scores: rows } : rows))
    else {
      yield* Console.log(formatScores(report.scores))
      if (showWrong > 0) yield* Console.log(`\n${formatWrong(report.wrong, showWrong)}`)
    }
  }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.file)))
