/**
 * The schema of `train_config.toml` (SPEC §5): six sections, every key optional with
 * the seed's value as its default, each annotated with what it accepts (`ExpectedId`)
 * for the one-line errors of ./decode.ts; and `ConfigError`, the one error of config.
 */
import { Data, Schema } from "effect"

// ─── errors ────────────────────────────────────────────────────────────────────────

export type ConfigErrorReason =
  | "NotFound" // --config FILE does not exist
  | "Unreadable" // the file exists but cannot be read
  | "Syntax" // not valid TOML
  | "UnknownKey" // a section or key the schema does not know
  | "InvalidValue" // a wrong type, or a value out of range

/**
 * A configuration problem. `message` is one line:
 * `<source>[:line:column]: [<key>: ]<detail>`, where `source` is the file as the user
 * wrote it (absent for a command-line flag) and `key` is `[section] key` or `--flag`.
 */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly reason: ConfigErrorReason
  /** The file (as given), or undefined when the value came from a command-line flag. */
  readonly source: string | undefined
  /** `[training] batch_size`, `[trainin]`, `--batch-size`; undefined for a whole-file problem. */
  readonly key: string | undefined
  /** What is wrong, e.g. `expected an integer ≥ 1, got "64"`. */
  readonly detail: string
  /** 1-based position of a TOML syntax error. */
  readonly line?: number | undefined
  readonly column?: number | undefined
  readonly cause?: unknown
}> {
  override get message(): string {
    const where =
      this.source === undefined
        ? undefined
        : this.line === undefined
          ? this.source
          : `${this.source}:${this.line}:${this.column ?? 1}`
    return [where, this.key, this.detail].filter((p) => p !== undefined).join(": ")
  }
}

// ─── the schema ────────────────────────────────────────────────────────────────────

/** Annotation holding the human description of what a key accepts ("an integer ≥ 1"). */
export const ExpectedId: unique symbol = Symbol.for("grapheme/config/Expected")

const expecting = (expected: string) => ({ [ExpectedId]: expected })

const integerAtLeast = (min: number) =>
  Schema.Int.pipe(Schema.greaterThanOrEqualTo(min)).annotations(expecting(`an integer ≥ ${min}`))

const positive = Schema.Finite.pipe(Schema.greaterThan(0)).annotations(expecting("a number > 0"))
const nonNegative = Schema.Finite.pipe(Schema.greaterThanOrEqualTo(0)).annotations(expecting("a number ≥ 0"))
const fraction = Schema.Finite.pipe(Schema.between(0, 1)).annotations(expecting("a number in [0, 1]"))
const decay = Schema.Finite.pipe(Schema.greaterThanOrEqualTo(0), Schema.lessThan(1)).annotations(
  expecting("a number in [0, 1)")
)
const seed = Schema.Int.pipe(Schema.between(0, 0xffff_ffff)).annotations(
  expecting("an integer between 0 and 4294967295")
)
const path = Schema.String.pipe(Schema.minLength(1)).annotations(expecting("a path (a non-empty string)"))
const boolean = Schema.Boolean.annotations(expecting("true or false"))
const oneOf = <const L extends readonly [string, ...Array<string>]>(...literals: L) =>
  Schema.Literal(...literals).annotations(expecting(`one of ${literals.map((l) => JSON.stringify(l)).join(", ")}`))

const withDefault = <S extends Schema.Schema.Any>(schema: S, value: Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { default: () => value })

const section = <F extends Schema.Struct.Fields>(name: string, fields: F) =>
  Schema.Struct(fields).annotations(expecting(`a table ([${name}] section)`))

export const OptimizerType = oneOf("sgd", "adam", "adamw")
export type OptimizerType = typeof OptimizerType.Type

export const StorageKind = oneOf("file", "memory")
export type StorageKind = typeof StorageKind.Type

export const TrainingSection = section("training", {
  /** Examples per gradient step. */
  batch_size: withDefault(integerAtLeast(1), 64),
  /** At most this many epochs per level. */
  epochs_per_level: withDefault(integerAtLeast(1), 10),
  learning_rate: withDefault(positive, 0.001),
  /** Early stopping: epochs without improvement of the validation loss before stopping a level; 0 = never. */
  patience: withDefault(integerAtLeast(0), 5),
  /** Write `epoch_E_level_L.bin` every this many epochs; 0 = only latest.bin and final.bin. */
  checkpoint_every: withDefault(integerAtLeast(0), 2),
  /** Extension: seed of every random choice (initialisation, shuffling, generated data). */
  seed: withDefault(seed, 42)
})

export const OptimizerSection = section("optimizer", {
  type: withDefault(OptimizerType, "adam"),
  beta1: withDefault(decay, 0.9),
  beta2: withDefault(decay, 0.999),
  epsilon: withDefault(positive, 1e-8),
  weight_decay: withDefault(nonNegative, 0.0001)
})

export const LossSection = section("loss", {
  node_insertion_cost: withDefault(nonNegative, 1.0),
  node_deletion_cost: withDefault(nonNegative, 1.0),
  edge_insertion_cost: withDefault(nonNegative, 0.5),
  edge_deletion_cost: withDefault(nonNegative, 0.5),
  clique_weight: withDefault(nonNegative, 2.0)
})

export const CurriculumSection = section("curriculum", {
  /** First level trained (1–7 built in; plugins may add more). */
  start_level: withDefault(integerAtLeast(1), 1),
  end_level: withDefault(integerAtLeast(1), 7),
  /** Validation accuracy needed to advance to the next level. */
  advance_threshold: withDefault(fraction, 0.95),
  min_epochs_per_level: withDefault(integerAtLeast(1), 5),
  /** Extension (SPEC §9): plugin modules adding levels, relative to the config file. */
  plugins: withDefault(
    Schema.Array(Schema.String.pipe(Schema.minLength(1)).annotations(expecting("a module path (a non-empty string)"))).annotations(
      expecting("an array of module paths (strings)")
    ),
    []
  )
}).pipe(
  Schema.filter((c) =>
    c.start_level <= c.end_level || {
      path: ["end_level"],
      message: `expected an integer ≥ start_level (${c.start_level})`
    }
  )
)

export const PathsSection = section("paths", {
  train_data: withDefault(path, "data/generated"),
  output_dir: withDefault(path, "checkpoints"),
  log_file: withDefault(path, "training.log"),
  /** Extension (SPEC §5): the machine-readable metrics, one JSON object per line. */
  metrics_file: withDefault(path, "metrics.jsonl"),
  /** Extension (SPEC §8): "file" = FileStorage, "memory" = InMemoryStorage (nothing written). */
  storage: withDefault(StorageKind, "file")
})

export const HardwareSection = section("hardware", {
  /** Worker threads; 0 = every core. */
  num_threads: withDefault(integerAtLeast(0), 0),
  parallel_batches: withDefault(boolean, true),
  /**
   * (extension) With parallel_batches, every batch is cut into this many shards whose
   * gradients are summed in a fixed order: the weights depend on it, not on num_threads.
   */
  batch_shards: withDefault(integerAtLeast(1), 2),
  /** Seed's "Memory Optimization": keep one level's data in memory at a time. */
  stream_data: withDefault(boolean, false)
})

const sectionDefault = <A, I>(schema: Schema.Schema<A, I>): A => Schema.decodeUnknownSync(schema)({})

/** The whole file. Every section and key is optional; decoding fills in the seed's values. */
export const TrainConfig = Schema.Struct({
  training: withDefault(TrainingSection, sectionDefault(TrainingSection)),
  optimizer: withDefault(OptimizerSection, sectionDefault(OptimizerSection)),
  loss: withDefault(LossSection, sectionDefault(LossSection)),
  curriculum: withDefault(CurriculumSection, sectionDefault(CurriculumSection)),
  paths: withDefault(PathsSection, sectionDefault(PathsSection)),
  hardware: withDefault(HardwareSection, sectionDefault(HardwareSection))
}).annotations(expecting("a TOML document of tables"))

export type TrainConfig = typeof TrainConfig.Type
/** What a file may contain: every section and key optional. */
export type TrainConfigInput = typeof TrainConfig.Encoded

/** The seed's values (and the extensions' defaults): what an empty file decodes to. */
export const defaultConfig: TrainConfig = Schema.decodeUnknownSync(TrainConfig)({})

/** Section names in file order. */
export const sectionNames = Object.keys(TrainConfig.fields) as ReadonlyArray<keyof TrainConfig>

const sectionSchemas: Record<keyof TrainConfig, { readonly fields: Schema.Struct.Fields }> = {
  training: TrainingSection,
  optimizer: OptimizerSection,
  loss: LossSection,
  curriculum: CurriculumSection.from,
  paths: PathsSection,
  hardware: HardwareSection
}

/** The keys of a section, in file order. */
export const keysOf = (name: keyof TrainConfig): ReadonlyArray<string> => Object.keys(sectionSchemas[name].fields)
