/**
 * Curriculum layers. Each registers levels through the plugin registry, the built-ins
 * first:
 * - `CurriculumLive`: the seven built-in levels;
 * - `layerWith(...levels)`: the built-ins plus levels from a research script;
 * - `layerFromModules(specs, baseDir)`: the built-ins plus plugin modules;
 * - `layerFromConfig(file)`: the built-ins plus `[curriculum] plugins` of a train_config.toml
 *   (no file, no plugins, when `optional`).
 */
import { Effect, Either, Layer } from "effect"
import { pluginsFromConfig } from "./config/load.js"
import { loadPluginModule } from "../plugins/load.js"
import type { Registry } from "../plugins/registry.js"
import { builtinRegistry, register } from "../plugins/registry.js"
import type { CurriculumApi } from "../services/Curriculum.js"
import { Curriculum, PluginError } from "../services/Curriculum.js"
import type { CurriculumLevel } from "../services/CurriculumLevel.js"

export const fromRegistry = (registry: Registry): CurriculumApi =>
  Curriculum.of({
    levels: registry.levels,
    get: (n) => {
      const l = registry.get(n)
      return l !== undefined
        ? Effect.succeed(l)
        : Effect.fail(
            new PluginError({
              reason: "Unknown",
              message: `no curriculum level ${n} (known: ${registry.levels.map((x) => x.level).join(", ")})`
            })
          )
    }
  })

/** The built-ins plus `levels`. */
export const make = (levels: ReadonlyArray<CurriculumLevel> = [], source = "plugin"): Effect.Effect<CurriculumApi, PluginError> =>
  Either.match(register(builtinRegistry, levels, source), {
    onLeft: (e) => Effect.fail(e),
    onRight: (r) => Effect.succeed(fromRegistry(r))
  })

export const CurriculumLive: Layer.Layer<Curriculum> = Layer.succeed(Curriculum, fromRegistry(builtinRegistry))

export const layerWith = (...levels: ReadonlyArray<CurriculumLevel>): Layer.Layer<Curriculum, PluginError> =>
  Layer.effect(Curriculum, make(levels, "research script"))

export const loadModules = (specs: ReadonlyArray<string>, baseDir: string = process.cwd()) =>
  Effect.forEach(specs, (s) => loadPluginModule(s, baseDir)).pipe(Effect.map((ls) => ls.flat()))

export const layerFromModules = (specs: ReadonlyArray<string>, baseDir: string = process.cwd()): Layer.Layer<Curriculum, PluginError> =>
  Layer.effect(
    Curriculum,
    Effect.flatMap(loadModules(specs, baseDir), (levels) => make(levels, `plugins ${specs.join(", ")}`))
  )

export const layerFromConfig = (file = "train_config.toml", optional = false): Layer.Layer<Curriculum, PluginError> =>
  Layer.effect(
    Curriculum,
    Effect.gen(function* () {
      const { plugins, baseDir } = yield* pluginsFromConfig(file, optional)
      const levels = yield* loadModules(plugins, baseDir)
      return yield* make(levels, `${file} [curriculum] plugins`)
    })
  )
