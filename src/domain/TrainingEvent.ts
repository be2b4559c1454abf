/**
 * What training reports, as typed events: one `Schema` union that the trainer emits and
 * that both of its files render — `training.log` (the seed's human format, ./trainingLog/
 * render.ts) and `metrics.jsonl` (one JSON record per event that has one, `MetricsRecord`
 * below). Reading `metrics.jsonl` back decodes the same schema, so what is written and
 * what is read cannot drift apart.
 */
import { Option, Schema } from "effect"

const Level = Schema.Int
const Count = Schema.Int

/** Batches are split into shards computed on several threads. */
export const DataParallel = Schema.TaggedStruct("DataParallel", { shards: Count, threads: Count })

/** Worker threads could not start: the shards are computed on this thread instead. */
export const DataParallelUnavailable = Schema.TaggedStruct("DataParallelUnavailable", { reason: Schema.String, shards: Count })

/** No training example of the level fits the brain: no epochs, graded all the same. */
export const NothingToLearn = Schema.TaggedStruct("NothingToLearn", { level: Level, unlearnable: Count, accuracy: Schema.Number })

/** Some of the level's training examples do not fit the brain and are left out. */
export const SomeUnlearnable = Schema.TaggedStruct("SomeUnlearnable", { level: Level, learnable: Count, unlearnable: Count })

export const EpochStarted = Schema.TaggedStruct("EpochStarted", { level: Level, epoch: Count, epochs: Count })

/** One logged batch (every `logEvery`-th and the last of an epoch): its loss and the GED of the model's answers to it. */
export const BatchLogged = Schema.TaggedStruct("BatchLogged", {
  level: Level,
  epoch: Count,
  batch: Count,
  batches: Count,
  loss: Schema.Number,
  ged: Schema.Number
})

/**
 * The end of an epoch: the mean batch loss, the GED and accuracy on the level's
 * validation examples, and the accuracy of every earlier level (replay; empty on the
 * first level). `seconds` and `rssBytes` are measurements of this run, not results.
 */
export const EpochCompleted = Schema.TaggedStruct("EpochCompleted", {
  level: Level,
  epoch: Count,
  epochs: Count,
  loss: Schema.Number,
  ged: Schema.Number,
  accuracy: Schema.Number,
  validation: Schema.Record({ key: Schema.String, value: Schema.Number }),
  seconds: Schema.Number,
  rssBytes: Schema.Number
})

/** The level is passed: training moves on to `to`. */
export const Advanced = Schema.TaggedStruct("Advanced", { level: Level, to: Level, epoch: Count, accuracy: Schema.Number, threshold: Schema.Number })

/** The level ends after `stale` epochs without a better accuracy. */
export const EarlyStopped = Schema.TaggedStruct("EarlyStopped", { level: Level, stale: Count, accuracy: Schema.Number })

/** The level ends at its last epoch below the threshold. */
export const OutOfEpochs = Schema.TaggedStruct("OutOfEpochs", { level: Level, accuracy: Schema.Number, threshold: Schema.Number })

/** Stopped by the user after `batch` of `batches` batches of `epoch`; latest.bin continues from there. */
export const Interrupted = Schema.TaggedStruct("Interrupted", { level: Level, epoch: Count, batch: Count, batches: Count })

export const TrainingEvent = Schema.Union(
  DataParallel,
  DataParallelUnavailable,
  NothingToLearn,
  SomeUnlearnable,
  EpochStarted,
  BatchLogged,
  EpochCompleted,
  Advanced,
  EarlyStopped,
  OutOfEpochs,
  Interrupted
)
export type TrainingEvent = typeof TrainingEvent.Type

// ---------------------------------------------------------------------------------------
// metrics.jsonl: the record of each event that has one (the fields in the order written)

/**
 * The record of events of one tag: `{ [key]: name, ...the event's fields }`, in the
 * event's field order (the order written).
 */
const recordOf = <Key extends "kind" | "event", Name extends string, Tag extends string, Fields extends Schema.Struct.Fields>(
  key: Key,
  name: Name,
  tag: Tag,
  event: Schema.TaggedStruct<Tag, Fields>
) => {
  const { _tag: _, ...fields } = event.fields
  const record = Schema.Struct({ [key]: Schema.Literal(name), ...(fields as Omit<Fields, "_tag">) } as { [K in Key]: Schema.Literal<[Name]> } & Omit<Fields, "_tag">)
  return Schema.transform(record, event, {
    strict: false,
    decode: (r) => {
      const { [key]: _name, ...rest } = r as Record<string, unknown>
      return { _tag: tag, ...rest } as never
    },
    encode: (e) => {
      const { _tag: _t, ...rest } = e as Record<string, unknown>
      return { [key]: name, ...rest } as never
    }
  })
}

const BatchRecord = recordOf("kind", "batch", "BatchLogged", BatchLogged)
const EpochRecord = recordOf("kind", "epoch", "EpochCompleted", EpochCompleted)
const AdvanceRecord = recordOf("event", "advance", "Advanced", Advanced)
const SkipRecord = recordOf("event", "skip", "NothingToLearn", NothingToLearn)

/** A `metrics.jsonl` record (the JSON object) ⇄ the event it records. */
export const MetricsRecord = Schema.Union(BatchRecord, EpochRecord, AdvanceRecord, SkipRecord)
export type MetricsRecord = typeof MetricsRecord.Encoded

const recorded: ReadonlySet<TrainingEvent["_tag"]> = new Set(["BatchLogged", "EpochCompleted", "Advanced", "NothingToLearn"])

/** The `metrics.jsonl` record of an event, or none for the events only the log shows. */
export const metricsRecordOf = (event: TrainingEvent): Option.Option<MetricsRecord> =>
  recorded.has(event._tag) ? Option.some(Schema.encodeSync(MetricsRecord)(event as typeof MetricsRecord.Type)) : Option.none()

/** An event read back, with the 1-based line it was on. */
export interface EventAt {
  readonly line: number
  readonly event: TrainingEvent
}

/**
 * The events of a `metrics.jsonl` text, or the 1-based number of the first non-blank line
 * that is not one of our records (a file another tool wrote).
 */
export const decodeMetricsJsonl = (text: string): { readonly events: ReadonlyArray<EventAt> } | { readonly badLine: number } => {
  const events: Array<EventAt> = []
  const decode = Schema.decodeUnknownOption(Schema.parseJson(MetricsRecord))
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string
    if (text.trim() === "") continue
    const event = decode(text)
    if (Option.isNone(event)) return { badLine: i + 1 }
    events.push({ line: i + 1, event: event.value })
  }
  return { events }
}
