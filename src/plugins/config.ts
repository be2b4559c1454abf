/**
 * `[curriculum] plugins = [...]` from train_config.toml: the list of plugin modules,
 * resolved against the config file's directory. Only this key is read here; the
 * whole file's schema belongs to the configuration module.
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse as parseToml } from "smol-toml"
import { PluginError } from "../services/Curriculum.js"

export interface PluginSpecs {
  /** Module paths/URLs as written in the file. */
  readonly plugins: ReadonlyArray<string>
  /** Directory they are relative to. */
  readonly baseDir: string
}

/** Reads the plugin list; a missing file (when `optional`) gives no plugins. */
export const pluginsFromConfig = (file: string, optional = false): Effect.Effect<PluginSpecs, PluginError> =>
  Effect.gen(function* () {
    const baseDir = path.dirname(path.resolve(file))
    if (optional && !fs.existsSync(file)) return { plugins: [], baseDir }
    const text = yield* Effect.try({
      try: () => fs.readFileSync(file, "utf8"),
      catch: (cause) => new PluginError({ reason: "Config", message: `cannot read ${file}: ${(cause as Error).message}`, cause })
    })
    const toml = yield* Effect.try({
      try: () => parseToml(text) as Record<string, unknown>,
      catch: (cause) => new PluginError({ reason: "Config", message: `${file}: ${(cause as Error).message.split("\n")[0]}`, cause })
    })
    const curriculum = toml.curriculum
    if (curriculum === undefined) return { plugins: [], baseDir }
    if (typeof curriculum !== "object" || curriculum === null || Array.isArray(curriculum))
      return yield* new PluginError({ reason: "Config", message: `${file}: [curriculum] must be a table` })
    const plugins = (curriculum as Record<string, unknown>).plugins
    if (plugins === undefined) return { plugins: [], baseDir }
    if (!Array.isArray(plugins) || !plugins.every((p) => typeof p === "string"))
      return yield* new PluginError({
        reason: "Config",
        message: `${file}: curriculum.plugins must be an array of strings (module paths)`
      })
    return { plugins: plugins as Array<string>, baseDir }
  })
