/**
 * Reading `train_config.toml` (SPEC §5): TOML text → `TrainConfig`, with one-line
 * `ConfigError`s, then command-line flags on top (`applyOverrides`).
 *
 * ```ts
 * const config = yield* loadConfigFlag(args.config)            // --config FILE, else ./train_config.toml if present
 * const final = yield* applyOverrides(config, { batchSize: args.batchSize, learningRate: args.lr })  // flags win
 * ```
 *
 * Which file:
 * - `--config FILE` given: FILE must exist (`ConfigError` "NotFound" otherwise);
 * - not given: `./train_config.toml` when it exists, else the defaults (the seed's values).
 *
 * Relative paths in a file (`[paths]`, `[curriculum] plugins`) are relative to the
 * file's directory; relative paths on the command line are relative to the current
 * directory. `loadConfig` rebases the file's paths onto the current directory, so every
 * path in a loaded `TrainConfig` is relative to the current directory (or absolute) and
 * a config file in the current directory comes back exactly as written.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Either, Option } from "effect"
import * as nodePath from "node:path"
import { parse as parseToml, stringify as stringifyToml } from "smol-toml"
import type { ConfigOverrides, TrainConfig } from "../../domain/Config.js"
import {
  applyOverrides as applyOverridesEither,
  ConfigError,
  decodeConfig,
  defaultConfig,
  encodeConfig
} from "../../domain/Config.js"
import { PluginError } from "../../services/Curriculum.js"

export {
  ConfigError,
  type ConfigOverrides,
  decodeConfig,
  defaultConfig,
  encodeConfig,
  overrideTargets,
  TrainConfig
} from "../../domain/Config.js"

/** Where `grapheme train` looks when `--config` is not given. */
export const DEFAULT_CONFIG_FILE = "train_config.toml"

const firstLine = (text: string): string => text.split("\n")[0] ?? text

/** TOML text → `TrainConfig`. `source` names the file in errors. Paths stay as written. */
export const parseConfig = (text: string, source: string): Either.Either<TrainConfig, ConfigError> => {
  let document: unknown
  try {
    document = parseToml(text)
  } catch (cause) {
    const e = cause as { message?: unknown; line?: unknown; column?: unknown }
    const message = typeof e.message === "string" ? firstLine(e.message).replace(/^Invalid TOML document:\s*/, "") : String(cause)
    return Either.left(
      new ConfigError({
        reason: "Syntax",
        source,
        key: undefined,
        detail: `invalid TOML: ${message}`,
        line: typeof e.line === "number" ? e.line : undefined,
        column: typeof e.column === "number" ? e.column : undefined,
        cause
      })
    )
  }
  return decodeConfig(document, source)
}

/** A config as TOML text (every key), which `parseConfig` reads back to the same config. */
export const configToToml = (config: TrainConfig): string =>
  stringifyToml(encodeConfig(config) as unknown as Record<string, unknown>)

const isUrl = (spec: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)

/**
 * The config with its relative paths (`[paths]` files and directories, `[curriculum]
 * plugins`) re-expressed relative to `toDir` instead of `fromDir`. Absolute paths and
 * URLs are kept. The identity when both directories are the same.
 */
export const rebasePaths = (config: TrainConfig, fromDir: string, toDir: string): TrainConfig => {
  const from = nodePath.resolve(fromDir)
  const to = nodePath.resolve(toDir)
  if (from === to) return config
  const rebase = (p: string): string =>
    nodePath.isAbsolute(p) || isUrl(p) ? p : nodePath.relative(to, nodePath.resolve(from, p)) || "."
  return {
    ...config,
    curriculum: { ...config.curriculum, plugins: config.curriculum.plugins.map(rebase) },
    paths: {
      ...config.paths,
      train_data: rebase(config.paths.train_data),
      output_dir: rebase(config.paths.output_dir),
      log_file: rebase(config.paths.log_file),
      metrics_file: rebase(config.paths.metrics_file)
    }
  }
}

const readError = (file: string, cause: unknown): ConfigError => {
  const e = cause as { _tag?: unknown; reason?: unknown; message?: unknown }
  const notFound = e._tag === "SystemError" && e.reason === "NotFound"
  return new ConfigError({
    reason: notFound ? "NotFound" : "Unreadable",
    source: file,
    key: undefined,
    detail: notFound
      ? "no such file"
      : `cannot read the file (${e._tag === "SystemError" ? String(e.reason) : firstLine(String(e.message ?? cause))})`,
    cause
  })
}

/** Reads and decodes a config file, which must exist. Paths stay as written (relative to the file). */
const readConfigFile = Effect.fn("Config.read")(function* (file: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* Effect.mapError(fs.readFileString(file), (cause) => readError(file, cause))
  return yield* parseConfig(text, file)
})

/**
 * Reads and decodes a config file, which must exist. Relative paths in it come back
 * relative to the current directory (see `rebasePaths`).
 */
export const loadConfig = Effect.fn("Config.load")(function* (file: string) {
  const config = yield* readConfigFile(file)
  return rebasePaths(config, nodePath.dirname(nodePath.resolve(file)), process.cwd())
})

/** Whether `file` exists; when that cannot be told, reading it will say why. */
const fileExists = (file: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => Effect.orElseSucceed(fs.exists(file), () => true))

/** Like `loadConfig`, but a file that does not exist gives the defaults. */
export const loadConfigOptional = Effect.fn("Config.loadOptional")(function* (file: string = DEFAULT_CONFIG_FILE) {
  if (!(yield* fileExists(file))) return defaultConfig
  return yield* loadConfig(file)
})

/**
 * The config for a command's `--config` option (`Options.optional`): the given file,
 * which must exist, or else `./train_config.toml` when present, or else the defaults.
 */
export const loadConfigFlag = (
  flag: Option.Option<string> | string | undefined
): Effect.Effect<TrainConfig, ConfigError, FileSystem.FileSystem> => {
  const file = Option.isOption(flag) ? Option.getOrUndefined(flag) : flag
  return file === undefined ? loadConfigOptional(DEFAULT_CONFIG_FILE) : loadConfig(file)
}

/**
 * Flags over the file: each override given (a value, or `Some` from @effect/cli's
 * `Options.optional`) replaces the file's value. A bad flag value fails with a
 * `ConfigError` naming the flag (`--batch-size: expected an integer ≥ 1, got 0`).
 * Pure; returns an `Either`, which is also an Effect (`yield*` works in both).
 */
export const applyOverrides: (
  config: TrainConfig,
  overrides: ConfigOverrides
) => Either.Either<TrainConfig, ConfigError> = applyOverridesEither

/** `[curriculum] plugins`: module paths as written, and the directory they are relative to. */
export interface PluginSpecs {
  readonly plugins: ReadonlyArray<string>
  readonly baseDir: string
}

/**
 * `[curriculum] plugins` in the shape `loadModules(plugins, baseDir)` /
 * `layerFromModules(plugins, baseDir)` (src/layers/CurriculumLive.ts) take: a loaded
 * config's plugin paths are relative to the current directory.
 */
export const pluginSpecs = (config: TrainConfig): PluginSpecs => ({
  plugins: config.curriculum.plugins,
  baseDir: process.cwd()
})

/**
 * `[curriculum] plugins` of a config file, as written and relative to the file's
 * directory, read by the same reader as the whole file (`grapheme generate` and
 * `grapheme train` report a bad key with the same message): a `ConfigError` comes back
 * as a `PluginError` "Config" with its message. A missing file, when `optional`, gives
 * no plugins.
 */
export const pluginsFromConfig = (file: string, optional = false): Effect.Effect<PluginSpecs, PluginError> =>
  Effect.gen(function* () {
    const baseDir = nodePath.dirname(nodePath.resolve(file))
    if (optional && !(yield* fileExists(file))) return { plugins: [], baseDir }
    const config = yield* readConfigFile(file)
    return { plugins: config.curriculum.plugins, baseDir }
  }).pipe(
    Effect.mapError((e) => new PluginError({ reason: "Config", message: e.message, cause: e })),
    Effect.provide(NodeFileSystem.layer)
  )
