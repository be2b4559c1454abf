/**
 * The lines of `training.log` as schemas: each kind of line is one `Schema` between its
 * text (a template literal) and its fields. Writing a line encodes it (./render.ts);
 * reading our own log back decodes it (./ours.ts): the format is written down once,
 * for both directions.
 */
import { ParseResult, Schema } from "effect"

/** A whole number as the log writes it. */
const Int = Schema.NumberFromString.pipe(Schema.int())

/** A finite number written by `write` (read back as any finite decimal). */
const numberWritten = (write: (x: number) => string) =>
  Schema.transformOrFail(Schema.String, Schema.Number, {
    strict: true,
    decode: (text, _, ast) => {
      const value = Number(text)
      return text.trim() !== "" && Number.isFinite(value)
        ? ParseResult.succeed(value)
        : ParseResult.fail(new ParseResult.Type(ast, text, "not a finite number"))
    },
    encode: (x) => ParseResult.succeed(write(x))
  })

/** A loss or GED: four decimals, or three significant digits in exponent form below 1e-3. */
export const formatMetric = (x: number): string => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3))

const Metric = numberWritten(formatMetric)
const Accuracy4 = numberWritten((x) => x.toFixed(4))
const Accuracy2 = numberWritten((x) => x.toFixed(2))
const Plain = numberWritten(String)

export const DataParallelLine = Schema.transform(
  Schema.TemplateLiteralParser("Data-parallel steps: ", Int, " shards per batch on ", Int, " threads"),
  Schema.TaggedStruct("DataParallelLine", { shards: Schema.Number, threads: Schema.Number }),
  {
    strict: true,
    decode: ([, shards, , threads]) => ({ _tag: "DataParallelLine" as const, shards, threads }),
    encode: ({ shards, threads }) => ["Data-parallel steps: ", shards, " shards per batch on ", threads, " threads"] as const
  }
)

export const DataParallelUnavailableLine = Schema.transform(
  Schema.TemplateLiteralParser("Data-parallel steps unavailable (", Schema.String, "); computing the ", Int, " shards on one thread"),
  Schema.TaggedStruct("DataParallelUnavailableLine", { reason: Schema.String, shards: Schema.Number }),
  {
    strict: true,
    decode: ([, reason, , shards]) => ({ _tag: "DataParallelUnavailableLine" as const, reason, shards }),
    encode: ({ reason, shards }) => ["Data-parallel steps unavailable (", reason, "); computing the ", shards, " shards on one thread"] as const
  }
)

export const NothingToLearnLine = Schema.transform(
  Schema.TemplateLiteralParser(
    "[Level ",
    Int,
    "] The brain cannot learn from any of the ",
    Int,
    " training examples (no input or output for them): no epochs, validation accuracy=",
    Accuracy4
  ),
  Schema.TaggedStruct("NothingToLearnLine", { level: Schema.Number, unlearnable: Schema.Number, accuracy: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , unlearnable, , accuracy]) => ({ _tag: "NothingToLearnLine" as const, level, unlearnable, accuracy }),
    encode: ({ level, unlearnable, accuracy }) =>
      [
        "[Level ",
        level,
        "] The brain cannot learn from any of the ",
        unlearnable,
        " training examples (no input or output for them): no epochs, validation accuracy=",
        accuracy
      ] as const
  }
)

export const SomeUnlearnableLine = Schema.transform(
  Schema.TemplateLiteralParser("[Level ", Int, "] Training on ", Int, " examples; ", Int, " do not fit the brain's inputs or outputs"),
  Schema.TaggedStruct("SomeUnlearnableLine", { level: Schema.Number, learnable: Schema.Number, unlearnable: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , learnable, , unlearnable]) => ({ _tag: "SomeUnlearnableLine" as const, level, learnable, unlearnable }),
    encode: ({ level, learnable, unlearnable }) =>
      ["[Level ", level, "] Training on ", learnable, " examples; ", unlearnable, " do not fit the brain's inputs or outputs"] as const
  }
)

export const EpochStartLine = Schema.transform(
  Schema.TemplateLiteralParser("[Level ", Int, "] Epoch ", Int, "/", Int),
  Schema.TaggedStruct("EpochStartLine", { level: Schema.Number, epoch: Schema.Number, epochs: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , epoch, , epochs]) => ({ _tag: "EpochStartLine" as const, level, epoch, epochs }),
    encode: ({ level, epoch, epochs }) => ["[Level ", level, "] Epoch ", epoch, "/", epochs] as const
  }
)

export const BatchLine = Schema.transform(
  Schema.TemplateLiteralParser("  Batch ", Int, "/", Int, ": loss=", Metric, ", GED=", Metric),
  Schema.TaggedStruct("BatchLine", { batch: Schema.Number, batches: Schema.Number, loss: Schema.Number, ged: Schema.Number }),
  {
    strict: true,
    decode: ([, batch, , batches, , loss, , ged]) => ({ _tag: "BatchLine" as const, batch, batches, loss, ged }),
    encode: ({ batch, batches, loss, ged }) => ["  Batch ", batch, "/", batches, ": loss=", loss, ", GED=", ged] as const
  }
)

export const EpochCompleteLine = Schema.transform(
  Schema.TemplateLiteralParser("  Epoch complete: avg_loss=", Metric, ", GED=", Metric, ", accuracy=", Accuracy4),
  Schema.TaggedStruct("EpochCompleteLine", { loss: Schema.Number, ged: Schema.Number, accuracy: Schema.Number }),
  {
    strict: true,
    decode: ([, loss, , ged, , accuracy]) => ({ _tag: "EpochCompleteLine" as const, loss, ged, accuracy }),
    encode: ({ loss, ged, accuracy }) => ["  Epoch complete: avg_loss=", loss, ", GED=", ged, ", accuracy=", accuracy] as const
  }
)

/** `level 1 accuracy=1.0000`, one entry of a Validation line. */
const LevelAccuracy = Schema.transform(
  Schema.TemplateLiteralParser("level ", Int, " accuracy=", Accuracy4),
  Schema.Struct({ level: Schema.Number, accuracy: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , accuracy]) => ({ level, accuracy }),
    encode: ({ level, accuracy }) => ["level ", level, " accuracy=", accuracy] as const
  }
)

const LevelAccuracies = Schema.Array(LevelAccuracy)

export const ValidationLine = Schema.transformOrFail(
  Schema.TemplateLiteralParser("  Validation: ", Schema.String),
  Schema.TaggedStruct("ValidationLine", { accuracies: Schema.Array(Schema.Struct({ level: Schema.Number, accuracy: Schema.Number })) }),
  {
    strict: true,
    decode: ([, list]) =>
      ParseResult.map(ParseResult.decodeUnknown(LevelAccuracies)(list.split(", ")), (accuracies) => ({ _tag: "ValidationLine" as const, accuracies })),
    encode: ({ accuracies }) => ParseResult.map(ParseResult.encode(LevelAccuracies)(accuracies), (items) => ["  Validation: ", items.join(", ")] as const)
  }
)

export const AdvanceLine = Schema.transform(
  Schema.TemplateLiteralParser("[Level ", Int, "] Advancing to Level ", Int, " (accuracy ", Accuracy2, " > ", Plain, ")"),
  Schema.TaggedStruct("AdvanceLine", { level: Schema.Number, to: Schema.Number, accuracy: Schema.Number, threshold: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , to, , accuracy, , threshold]) => ({ _tag: "AdvanceLine" as const, level, to, accuracy, threshold }),
    encode: ({ level, to, accuracy, threshold }) => ["[Level ", level, "] Advancing to Level ", to, " (accuracy ", accuracy, " > ", threshold, ")"] as const
  }
)

export const EarlyStopLine = Schema.transform(
  Schema.TemplateLiteralParser("[Level ", Int, "] Early stop: no improvement for ", Int, " epochs (accuracy ", Accuracy2, ")"),
  Schema.TaggedStruct("EarlyStopLine", { level: Schema.Number, stale: Schema.Number, accuracy: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , stale, , accuracy]) => ({ _tag: "EarlyStopLine" as const, level, stale, accuracy }),
    encode: ({ level, stale, accuracy }) => ["[Level ", level, "] Early stop: no improvement for ", stale, " epochs (accuracy ", accuracy, ")"] as const
  }
)

export const OutOfEpochsLine = Schema.transform(
  Schema.TemplateLiteralParser("[Level ", Int, "] Out of epochs (accuracy ", Accuracy2, " ≤ ", Plain, ")"),
  Schema.TaggedStruct("OutOfEpochsLine", { level: Schema.Number, accuracy: Schema.Number, threshold: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , accuracy, , threshold]) => ({ _tag: "OutOfEpochsLine" as const, level, accuracy, threshold }),
    encode: ({ level, accuracy, threshold }) => ["[Level ", level, "] Out of epochs (accuracy ", accuracy, " ≤ ", threshold, ")"] as const
  }
)

export const InterruptedLine = Schema.transform(
  Schema.TemplateLiteralParser("[Level ", Int, "] Interrupted in epoch ", Int, " after batch ", Int, "/", Int, "; latest.bin continues from there"),
  Schema.TaggedStruct("InterruptedLine", { level: Schema.Number, epoch: Schema.Number, batch: Schema.Number, batches: Schema.Number }),
  {
    strict: true,
    decode: ([, level, , epoch, , batch, , batches]) => ({ _tag: "InterruptedLine" as const, level, epoch, batch, batches }),
    encode: ({ level, epoch, batch, batches }) =>
      ["[Level ", level, "] Interrupted in epoch ", epoch, " after batch ", batch, "/", batches, "; latest.bin continues from there"] as const
  }
)

/** Any line our trainer writes. */
export const LogLine = Schema.Union(
  DataParallelLine,
  DataParallelUnavailableLine,
  NothingToLearnLine,
  SomeUnlearnableLine,
  EpochStartLine,
  BatchLine,
  EpochCompleteLine,
  ValidationLine,
  AdvanceLine,
  EarlyStopLine,
  OutOfEpochsLine,
  InterruptedLine
)
export type LogLine = typeof LogLine.Type
