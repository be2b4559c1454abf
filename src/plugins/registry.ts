/**
 * The plugin registry: the one way a level enters a curriculum. The seven built-ins
 * are registered through it exactly like a user's levels (from a research script or
 * from `[curriculum] plugins` in train_config.toml).
 *
 * Registration checks that a level is well-formed (a positive integer number, a name,
 * a positive sample count, an output kind, a `generate` function) and that its number
 * is not taken.
 */
import { Either } from "effect"
import { builtinLevels } from "./builtin/index.js"
import { PluginError } from "../services/Curriculum.js"
import type { CurriculumLevel } from "../services/CurriculumLevel.js"

export interface Registry {
  /** Sorted by level number. */
  readonly levels: ReadonlyArray<CurriculumLevel>
  readonly get: (level: number) => CurriculumLevel | undefined
}

const makeRegistry = (levels: ReadonlyArray<CurriculumLevel>): Registry => {
  const sorted = [...levels].sort((a, b) => a.level - b.level)
  const byNumber = new Map(sorted.map((l) => [l.level, l]))
  return { levels: sorted, get: (n) => byNumber.get(n) }
}

export const emptyRegistry: Registry = makeRegistry([])

const OUTPUTS = ["number", "expression", "number+expression"]

/** Why `u` is not a well-formed level, or undefined. */
export const levelProblem = (u: unknown): string | undefined => {
  if (typeof u !== "object" || u === null) return "a level must be an object"
  const l = u as Record<string, unknown>
  if (typeof l.level !== "number" || !Number.isInteger(l.level) || l.level < 1 || l.level > 4095)
    return "`level` must be an integer in [1, 4095]"
  if (typeof l.name !== "string" || l.name.length === 0) return "`name` must be a non-empty string"
  if (typeof l.skill !== "string") return "`skill` must be a string"
  if (typeof l.samples !== "number" || !Number.isInteger(l.samples) || l.samples < 1) return "`samples` must be a positive integer"
  if (typeof l.output !== "string" || !OUTPUTS.includes(l.output)) return `\`output\` must be one of ${OUTPUTS.join(", ")}`
  if (typeof l.generate !== "function") return "`generate` must be a function (rng) => problem"
  for (const k of ["answer", "verify", "conforms"]) if (l[k] !== undefined && typeof l[k] !== "function") return `\`${k}\` must be a function`
  if (l.module !== undefined && typeof l.module !== "string") return "`module` must be a URL string"
  return undefined
}

/** Adds levels to a registry; `source` says where they come from, for error messages. */
export const register = (
  registry: Registry,
  levels: ReadonlyArray<unknown>,
  source: string
): Either.Either<Registry, PluginError> => {
  const all = [...registry.levels]
  for (const u of levels) {
    const problem = levelProblem(u)
    if (problem !== undefined)
      return Either.left(new PluginError({ reason: "Invalid", message: `${source}: ${problem}` }))
    const level = u as CurriculumLevel
    const taken = all.find((l) => l.level === level.level)
    if (taken !== undefined)
      return Either.left(
        new PluginError({
          reason: "Duplicate",
          message: `${source}: level ${level.level} ("${level.name}") is already registered ("${taken.name}")`
        })
      )
    all.push(level)
  }
  return Either.right(makeRegistry(all))
}

/** The built-in curriculum, registered like any plugin. */
export const builtinRegistry: Registry = Either.getOrThrow(register(emptyRegistry, builtinLevels, "built-in levels"))
