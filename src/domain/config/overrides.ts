/** Command-line flags over the file's values (flags win), checked by the same schema. */
import { Either, Option } from "effect"
import { configErrorOf, decodeEither, encodeConfig, firstIssue } from "./decode.js"
import { ConfigError, type TrainConfig } from "./schema.js"

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
