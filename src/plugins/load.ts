/**
 * Loading plugin modules (`[curriculum] plugins = ["./my-level.ts"]`).
 *
 * A plugin module exports levels: `export default level`, `export default [l8, l9]`,
 * or named exports whose values are levels. The loader sets `module` to the file's URL
 * when a level does not say, so that worker threads can import it too.
 *
 * `.ts` plugins load when TypeScript is registered (the `grapheme` binary runs under
 * tsx; vitest handles it too); `.js`/`.mjs` plugins load anywhere.
 */
import { Effect } from "effect"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import type { CurriculumLevel } from "../services/CurriculumLevel.js"
import { isCurriculumLevel } from "../services/CurriculumLevel.js"
import { PluginError } from "../services/Curriculum.js"

/** The levels a module's namespace exports (default first, then named), each once. */
export const levelsOfModule = (ns: Record<string, unknown>): Array<CurriculumLevel> => {
  const out: Array<CurriculumLevel> = []
  const add = (u: unknown) => {
    if (Array.isArray(u)) for (const x of u) add(x)
    else if (isCurriculumLevel(u) && !out.includes(u)) out.push(u)
  }
  add(ns.default)
  for (const [k, v] of Object.entries(ns)) if (k !== "default") add(v)
  return out
}

/** A plugin path (relative to `baseDir`), an absolute path, or a URL → a module URL. */
export const moduleUrl = (spec: string, baseDir: string): string =>
  /^[a-z]+:\/\//i.test(spec) || spec.startsWith("file:") ? spec : pathToFileURL(path.resolve(baseDir, spec)).href

/** Imports one plugin module and returns its levels, each carrying its module URL. */
export const loadPluginModule = (spec: string, baseDir: string = process.cwd()): Effect.Effect<Array<CurriculumLevel>, PluginError> =>
  Effect.gen(function* () {
    const url = moduleUrl(spec, baseDir)
    const ns = yield* Effect.tryPromise({
      try: () => import(url) as Promise<Record<string, unknown>>,
      catch: (cause) =>
        new PluginError({
          reason: "Load",
          message: `cannot load plugin ${spec}: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`,
          cause
        })
    })
    const levels = levelsOfModule(ns)
    if (levels.length === 0)
      return yield* new PluginError({ reason: "Invalid", message: `plugin ${spec} exports no curriculum level` })
    return levels.map((l) => (l.module === undefined ? { ...l, module: url } : l))
  })
