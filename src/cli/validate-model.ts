/**
 * `grapheme validate --model FILE --data DIR|FILE [--json]`: grades a checkpoint's brain
 * on a dataset (per level: accuracy, exact-form match, mean GED, count). A table on
 * stdout, or JSON for machines.
 */
import * as Options from "@effect/cli/Options"
import { Console, Effect, Layer, Option } from "effect"
import { ArithmeticBrainLive } from "../layers/brain/ArithmeticBrainLive.js"
import { storageLayers } from "../layers/storage/index.js"
import { formatScores, validateModel } from "../layers/trainer/validateModel.js"
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

export const validateModelHandler = (args: { readonly model: string; readonly data: Option.Option<string>; readonly json: boolean }) =>
  Effect.gen(function* () {
    if (Option.isNone(args.data)) return yield* new UsageError({ message: "--model needs --data DIR|FILE" })
    const scores = yield* validateModel(args.model, args.data.value)
    yield* Console.log(args.json ? JSON.stringify(scores) : formatScores(scores))
  }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.file)))
