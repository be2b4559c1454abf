/**
 * `grapheme validate --input DIR|FILE [--threads N] [--config FILE]`: re-verifies every
 * line with the Engine, checks the schema (file:line and the field), the level
 * specification, duplicates and split leakage; prints a table per level and fails
 * (exit 1) on any problem. Reads datasets of the original Rust implementation too.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Console, Data, Effect, Layer, Option } from "effect"
import { formatValidationReport } from "../layers/generator/format.js"
import { layer as generatorLayer } from "../layers/generator/GeneratorLive.js"
import type { PluginError } from "../services/Curriculum.js"
import type { GeneratorError, ValidationReport } from "../services/Generator.js"
import { Generator } from "../services/Generator.js"
import { UsageError } from "./errors.js"
import { configOption, curriculumLayer, progressReporter, threadsOption } from "./generate.js"
import { dataOption, jsonOption, modelOption, showWrongOption, validateModelHandler } from "./validate-model.js"

/** The dataset has problems (the table says which); exit code 1. */
export class DatasetInvalid extends Data.TaggedError("DatasetInvalid")<{
  readonly message: string
  readonly report: ValidationReport
}> {}

export const inputOption = Options.text("input").pipe(
  Options.withAlias("i"),
  Options.withDescription("A dataset directory (every .jsonl under it) or one .jsonl file."),
  Options.optional
)

export interface ValidateDataArgs {
  readonly input: Option.Option<string>
  readonly threads: number
  readonly config: Option.Option<string>
}

/** Validates and prints the report; fails with DatasetInvalid when there is any problem. */
export const validateDataHandler = (
  args: ValidateDataArgs
): Effect.Effect<ValidationReport, UsageError | GeneratorError | PluginError | DatasetInvalid, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    if (Option.isNone(args.input)) return yield* new UsageError({ message: "validate needs --input DIR|FILE" })
    if (args.threads < 0) return yield* new UsageError({ message: `--threads must be 0 (every core) or more, got ${args.threads}` })
    const input = args.input.value
    const progress = progressReporter(
      (p: { readonly lines: number; readonly file: string; readonly done: boolean }) =>
        p.done ? `checked ${p.file} (${p.lines} lines in all)` : `checked ${p.lines} lines (${p.file})`,
      (p) => p.done
    )
    const report = yield* Effect.gen(function* () {
      const generator = yield* Generator
      return yield* generator.validate({ input, onProgress: (lines, file, done) => progress.update({ lines, file, done }) })
    }).pipe(
      Effect.ensuring(Effect.sync(progress.clear)),
      Effect.provide(generatorLayer(args.threads).pipe(Layer.provide(curriculumLayer(args.config)))),
      Effect.scoped
    )
    yield* Console.log(formatValidationReport(report))
    if (report.problemCount > 0)
      return yield* new DatasetInvalid({
        message: `${input}: ${report.problemCount} problem${report.problemCount === 1 ? "" : "s"} in ${report.lines} lines (see the table above)`,
        report
      })
    return report
  })

export const validateCommand = Command.make(
  "validate",
  {
    input: inputOption, threads: threadsOption, config: configOption, model: modelOption, data: dataOption, json: jsonOption,
    showWrong: showWrongOption
  },
  (args) =>
    Effect.gen(function* () {
      if (Option.isSome(args.model)) return yield* validateModelHandler({ model: args.model.value, data: args.data, json: args.json, showWrong: args.showWrong })
      if (Option.isSome(args.data))
        return yield* new UsageError({ message: "--data goes with --model FILE (for a dataset alone use --input)" })
      yield* validateDataHandler(args)
    })
).pipe(
  Command.withDescription(
    "Check a dataset (--input): re-verify every line with the Engine, the line schema, each level's specification, " +
      "duplicates and train/val/test leakage; exit 1 on any problem. Or grade a model (--model FILE --data DIR|FILE): " +
      "accuracy of its own answers per level (graded as docs/grading.md says), exact-form match, mean GED; --show-wrong N lists the first N it got wrong."
  )
)
