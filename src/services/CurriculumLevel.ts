/**
 * A curriculum level is a value (SPEC §9):
 * `{ level, name, skill, samples, output, generate(rng), (optional) verify }`.
 *
 * The generator draws a `Problem` from `generate(rng)`; the Engine computes its answer
 * (`answer`, by default from the input's head: a value, a derivative, a definite
 * integral with its antiderivative, a solution); the answer is then verified
 * independently of how it was computed (see `defaultVerify` in src/plugins/answer.ts) and the
 * level's own `verify`, when it has one, runs after that.
 *
 * Everything a level does runs synchronously inside a worker thread, with the Engine's
 * pure functions handed in as an `EngineKernel`. For a level to run in worker threads
 * its module must be importable there: set `module: import.meta.url` in the module that
 * exports the level (the built-ins and plugins loaded from train_config.toml do). A
 * level without `module` still works; its candidates are drawn in the main thread.
 *
 * This module imports nothing at run time (not even effect), so that a plugin module
 * that calls `defineLevel` stays cheap to load in a worker thread.
 */
import type { Expr } from "../domain/Expr.js"
import type { Rng } from "../domain/Random.js"
import type { DefiniteIntegral, SolveResult } from "./Engine.js"

/** What the model outputs for a level: a number node, an expression, or both (level 6). */
export type OutputKind = "number" | "expression" | "number+expression"

/** A drawn input: the expression, the value of each of its free symbols, and extra line fields. */
export interface Problem {
  readonly input: Expr
  /** `[name, value]` for every free symbol of the input (none for a derive/integrate/solve variable). */
  readonly bindings?: ReadonlyArray<readonly [string, number]> | undefined
  /** Extra JSON fields written on the line (auxiliary targets, notes). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

/** The Engine's answer to a problem. */
export interface Answer {
  /** `expected_result`: the number, or null when the answer is an expression only. */
  readonly result: number | null
  /** `expected_symbolic`: an expression, or null. */
  readonly symbolic: Expr | null
  /** The exact answer (an Integer, Rational, Float or expression), written as `expected_polish`. */
  readonly exact: Expr
  /** Extra JSON fields the answer step adds to the line. */
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The Engine's pure functions, as the worker threads call them. They throw
 * `EngineError` (with a `reason`) where the Engine's service would fail.
 */
export interface EngineKernel {
  readonly evaluate: (expr: Expr, bindings?: ReadonlyArray<readonly [string, Expr | number]>) => Expr
  /** Double-precision evaluation; NaN where undefined. Never throws. */
  readonly evalFloat: (expr: Expr, env?: Readonly<Record<string, number>>) => number
  readonly simplify: (expr: Expr) => Expr
  /** d expr / d variable, simplified. */
  readonly derive: (expr: Expr, variable: string) => Expr
  readonly antiderivative: (expr: Expr, variable: string) => Expr
  readonly definiteIntegral: (expr: Expr, variable: string, lower: Expr, upper: Expr) => DefiniteIntegral
  readonly solve: (equation: Expr, variable: string) => SolveResult
  /** Adaptive quadrature of a float function over [a, b] to the tolerance. */
  readonly quadrature: (f: (x: number) => number, a: number, b: number, tol: number) => number
}

/** `undefined` when all is well, else what is wrong (one line of text). */
export type Verdict = string | undefined

export interface CurriculumLevel {
  /** The level number, unique in a curriculum; the built-ins are 1–7. */
  readonly level: number
  readonly name: string
  /** One line: what the level teaches and what its inputs look like. */
  readonly skill: string
  /** Default number of examples `grapheme generate` writes for this level. */
  readonly samples: number
  readonly output: OutputKind
  /** Draws one problem. Must be a pure function of `rng` (determinism across threads). */
  readonly generate: (rng: Rng) => Problem
  /** The Engine's answer; defaults to `defaultAnswer` (by the input's head). */
  readonly answer?: ((problem: Problem, engine: EngineKernel) => Answer) | undefined
  /** Checks beyond the default verification (which always runs first). */
  readonly verify?: ((problem: Problem, answer: Answer, engine: EngineKernel) => Verdict) | undefined
  /** Does an input belong to this level as specified? Used by `validate` on any dataset, and by tests. */
  readonly conforms?: ((problem: Problem) => Verdict) | undefined
  /** URL of a module that exports this level (usually `import.meta.url`), so that worker threads can load it. */
  readonly module?: string | undefined
  /**
   * How many candidates generation may draw before it gives up on reaching `samples`
   * distinct inputs (a level whose input space is too small). Default `20 · samples + 100,000`.
   */
  readonly maxCandidates?: number | undefined
}

/** Structural check used by the registry and the module loader. */
export const isCurriculumLevel = (u: unknown): u is CurriculumLevel => {
  if (typeof u !== "object" || u === null) return false
  const l = u as Record<string, unknown>
  return typeof l.level === "number" && typeof l.name === "string" && typeof l.generate === "function"
}

/** Identity with a type: `export default defineLevel({ ... })` in a plugin module. */
export const defineLevel = (level: CurriculumLevel): CurriculumLevel => level
