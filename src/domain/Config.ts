/**
 * `train_config.toml` (SPEC §5): the seed's six sections and keys, each optional with
 * the seed's value as its default, decoded with Schema. An unknown section or key, a
 * wrong type or a value out of range is a `ConfigError` whose message is one line that
 * names the file, the key, what was expected and what was found:
 *
 * ```
 * train_config.toml: [training] batch_size: expected an integer ≥ 1, got "64"
 * train_config.toml: [training] batchsize: unknown key (did you mean batch_size? known: batch_size, …)
 * train_config.toml:3:14: invalid TOML: invalid value
 * ```
 *
 * The decoded `TrainConfig` keeps the file's snake_case names, so a section can be
 * handed as it is to what consumes it (e.g. `resolveWeights(config.loss)`).
 *
 * Extensions (SPEC is silent on them; documented in docs/config.md):
 * `[training] seed`, `[curriculum] plugins` (SPEC §9), `[paths] metrics_file` (SPEC §5's
 * metrics.jsonl), `[paths] storage` ("file" | "memory": FileStorage or InMemoryStorage)
 * and `[hardware] stream_data` (named by the seed's "Memory Optimization" section).
 *
 * Pure: TOML text → object is `src/layers/config/load.ts`, which also reads files.
 */
import type { ParseResult } from "effect"
import { Data, Either, Option, Schema } from "effect"

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

// ─── decoding with one-line errors ─────────────────────────────────────────────────

/** What a failed decode is about: where (path into the document), the kind, and the words. */
export interface ConfigIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly kind: "UnknownKey" | "InvalidValue"
  readonly expected: string
}

const expectedOf = (ast: unknown): string | undefined => {
  const annotations = (ast as { annotations?: Record<PropertyKey, unknown> } | undefined)?.annotations
  const value = annotations?.[ExpectedId]
  return typeof value === "string" ? value : undefined
}

/**
 * The first leaf of a parse issue, with its full path and the description of the nearest
 * annotated schema on the way to it (reset at each step into a child).
 */
export const firstIssue = (root: ParseResult.ParseIssue): ConfigIssue => {
  let issue: ParseResult.ParseIssue = root
  const path: Array<PropertyKey> = []
  let expected: string | undefined
  for (;;) {
    if ("ast" in issue) expected ??= expectedOf(issue.ast)
    switch (issue._tag) {
      case "Pointer": {
        const p = issue.path
        path.push(...(Array.isArray(p) ? (p as ReadonlyArray<PropertyKey>) : [p as PropertyKey]))
        expected = undefined
        issue = issue.issue
        continue
      }
      case "Composite": {
        const inner = issue.issues
        const first = Array.isArray(inner) ? (inner as ReadonlyArray<ParseResult.ParseIssue>)[0] : inner
        if (first === undefined) return { path, kind: "InvalidValue", expected: expected ?? "a valid value" }
        issue = first as ParseResult.ParseIssue
        continue
      }
      case "Refinement":
      case "Transformation":
        issue = issue.issue
        continue
      case "Unexpected":
        return { path, kind: "UnknownKey", expected: "" }
      case "Type":
        return {
          path,
          kind: "InvalidValue",
          expected: expected ?? (issue.message ?? "").replace(/^expected /, "")
        }
      case "Missing":
      case "Forbidden":
        return { path, kind: "InvalidValue", expected: expected ?? "a valid value" }
    }
  }
}

const isTable = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** A value as the user would recognise it from the file: `"64"`, `0`, `[1, 2]`, `a table`. */
export const showValue = (u: unknown): string => {
  if (u === undefined) return "nothing"
  if (typeof u === "string") return JSON.stringify(u.length > 60 ? `${u.slice(0, 57)}...` : u)
  if (typeof u === "number" || typeof u === "boolean" || typeof u === "bigint") return String(u)
  if (u instanceof Date) return `a date (${Number.isNaN(u.getTime()) ? "invalid" : String((u as { toISOString(): string }).toISOString())})`
  if (Array.isArray(u)) {
    const text = `[${u.map(showValue).join(", ")}]`
    return text.length > 60 ? `an array of ${u.length} values` : text
  }
  if (isTable(u)) return "a table"
  return String(u)
}

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let u = input
  for (const k of path) {
    if (u === null || typeof u !== "object") return undefined
    u = (u as Record<PropertyKey, unknown>)[k]
  }
  return u
}

/** `[training] batch_size`, `[curriculum] plugins[0]`, `[trainin]`. */
export const keyText = (path: ReadonlyArray<PropertyKey>): string | undefined => {
  if (path.length === 0) return undefined
  const [sectionName, key, ...rest] = path
  const head = `[${String(sectionName)}]`
  if (key === undefined) return head
  return `${head} ${String(key)}${rest.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("")}`
}

const levenshtein = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] as number
}

/** The known name closest to a misspelt one, when it is close enough to be a typo. */
export const suggest = (name: string, known: ReadonlyArray<string>): string | undefined => {
  const squash = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "")
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = squash(k) === squash(name) ? 0 : levenshtein(name.toLowerCase(), k)
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  if (bestDistance <= Math.max(1, Math.floor(name.length / 4))) return best
  // A shortened name: `epochs` for `epochs_per_level`, `threads` for `num_threads`.
  const prefixed = known.filter((k) => name.length >= 3 && squash(k).includes(squash(name)))
  return prefixed.length === 1 ? prefixed[0] : undefined
}

const unknownDetail = (what: "key" | "section", name: string, known: ReadonlyArray<string>): string => {
  if (what === "section") {
    const home = sectionNames.find((s) => keysOf(s).includes(name))
    if (home !== undefined) return `unknown section (${name} is a key of [${home}]: write it under [${home}])`
  }
  const hint = suggest(name, known)
  return `unknown ${what} (${hint === undefined ? "" : `did you mean ${hint}? `}known: ${known.join(", ")})`
}

/** A parse issue of `TrainConfig` over `input` → the one-line `ConfigError` for `source`. */
export const configErrorOf = (issue: ParseResult.ParseIssue, input: unknown, source: string | undefined): ConfigError => {
  const found = firstIssue(issue)
  const key = keyText(found.path)
  if (found.kind === "UnknownKey") {
    const [sectionName, name] = found.path
    const detail =
      found.path.length === 1
        ? unknownDetail("section", String(sectionName), sectionNames)
        : found.path.length === 2 && sectionNames.includes(sectionName as keyof TrainConfig)
          ? unknownDetail("key", String(name), keysOf(sectionName as keyof TrainConfig))
          : "unknown key"
    return new ConfigError({ reason: "UnknownKey", source, key, detail, cause: issue })
  }
  return new ConfigError({
    reason: "InvalidValue",
    source,
    key,
    detail: `expected ${found.expected}, got ${showValue(valueAt(input, found.path))}`,
    cause: issue
  })
}

const decodeEither = Schema.decodeUnknownEither(TrainConfig, { onExcessProperty: "error", errors: "first" })

/**
 * Decodes a parsed TOML document (or any object) into a `TrainConfig`: defaults filled,
 * ranges checked, unknown keys rejected. `source` names the file in the error.
 */
export const decodeConfig = (input: unknown, source: string | undefined): Either.Either<TrainConfig, ConfigError> =>
  Either.mapLeft(decodeEither(input), (e) => configErrorOf(e.issue, input, source))

/** A config as a plain object with every key, ready for TOML or JSON (e.g. a checkpoint header). */
export const encodeConfig: (config: TrainConfig) => TrainConfigInput = Schema.encodeSync(TrainConfig)

// ─── command-line overrides ────────────────────────────────────────────────────────

/**
 * Values from command-line flags. Each is a plain value, an `Option` (what @effect/cli's
 * `Options.optional` gives) or undefined; `None`/undefined leaves the file's value.
 */
export interface ConfigOverrides {
  /** `--batch-size` → `[training] batch_size` */
  readonly batchSize?: number | Option.Option<number> | undefined
  /** `--epochs` → `[training] epochs_per_level` */
  readonly epochs?: number | Option.Option<number> | undefined
  /** `--lr` → `[training] learning_rate` */
  readonly learningRate?: number | Option.Option<number> | undefined
  /** `--optimizer` → `[optimizer] type` */
  readonly optimizer?: string | Option.Option<string> | undefined
  /** `--data` → `[paths] train_data` */
  readonly data?: string | Option.Option<string> | undefined
  /** `--output` → `[paths] output_dir` */
  readonly output?: string | Option.Option<string> | undefined
  /** `--threads` → `[hardware] num_threads` */
  readonly threads?: number | Option.Option<number> | undefined
  /** `--seed` → `[training] seed` */
  readonly seed?: number | Option.Option<number> | undefined
}

/** Which flag overrides which key. */
export const overrideTargets = {
  batchSize: { flag: "--batch-size", section: "training", key: "batch_size" },
  epochs: { flag: "--epochs", section: "training", key: "epochs_per_level" },
  learningRate: { flag: "--lr", section: "training", key: "learning_rate" },
  optimizer: { flag: "--optimizer", section: "optimizer", key: "type" },
  data: { flag: "--data", section: "paths", key: "train_data" },
  output: { flag: "--output", section: "paths", key: "output_dir" },
  threads: { flag: "--threads", section: "hardware", key: "num_threads" },
  seed: { flag: "--seed", section: "training", key: "seed" }
} as const satisfies Record<keyof ConfigOverrides, { flag: string; section: keyof TrainConfig; key: string }>

const overrideValue = (u: unknown): unknown => (Option.isOption(u) ? Option.getOrUndefined(u) : u)

/**
 * The config with the flags' values in place of the file's (flags win). The result is
 * checked by the same schema; a bad flag value is a `ConfigError` naming the flag:
 * `--batch-size: expected an integer ≥ 1, got 0`.
 */
export const applyOverrides = (
  config: TrainConfig,
  overrides: ConfigOverrides
): Either.Either<TrainConfig, ConfigError> => {
  const encoded = encodeConfig(config) as Record<string, Record<string, unknown>>
  const next: Record<string, Record<string, unknown>> = {}
  for (const [name, value] of Object.entries(encoded)) next[name] = { ...value }
  const flagOf = new Map<string, string>()
  let changed = false
  for (const [field, target] of Object.entries(overrideTargets)) {
    const value = overrideValue(overrides[field as keyof ConfigOverrides])
    if (value === undefined) continue
    ;(next[target.section] as Record<string, unknown>)[target.key] = value
    flagOf.set(`${target.section}.${target.key}`, target.flag)
    changed = true
  }
  if (!changed) return Either.right(config)
  return Either.mapLeft(decodeEither(next), (e) => {
    const error = configErrorOf(e.issue, next, undefined)
    const found = firstIssue(e.issue)
    const flag = flagOf.get(`${String(found.path[0])}.${String(found.path[1])}`)
    return new ConfigError({
      reason: error.reason,
      source: flag === undefined ? "command line" : undefined,
      key: flag ?? error.key,
      detail: error.detail,
      cause: error.cause
    })
  })
}
