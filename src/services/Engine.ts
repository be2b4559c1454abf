/**
 * The Engine: exact symbolic mathematics, the only source of truth for data and for
 * grading (SPEC §1). Every method is pure computation (R = never) and fails with one
 * tagged error, EngineError, whose `reason` says what went wrong.
 */
import { Context, Data, type Effect } from "effect"
import type { Expr } from "../domain/Expr.js"

export type EngineErrorReason =
  | "Parse" // malformed Polish text
  | "DivisionByZero"
  | "Domain" // outside a function's real domain: (ln 0), (sqrt -1), (tan (/ pi 2)) …
  | "Unbound" // a free symbol without a binding
  | "Overflow" // a result too large to represent (never a silent Infinity)
  | "CannotIntegrate" // no antiderivative found by the engine's rules
  | "CannotSolve" // not an equation the solver handles
  | "TooDeep" // nesting beyond what a recursive algorithm can follow
  | "NotNumeric" // a number was asked for, the result is symbolic

export class EngineError extends Data.TaggedError("EngineError")<{
  readonly reason: EngineErrorReason
  readonly message: string
}> {}

/** Values bound to symbols for evaluation: exact (Integer/Rational/Float Expr) or a JS number. */
export type Bindings = ReadonlyMap<string, Expr | number> | ReadonlyArray<readonly [string, Expr | number]>

export type SolveResult =
  | { readonly _tag: "Solutions"; readonly values: ReadonlyArray<Expr> }
  | { readonly _tag: "NoSolution" }
  | { readonly _tag: "AllReals" }

export interface DefiniteIntegral {
  /** The exact value when the antiderivative exists and evaluates exactly at the bounds. */
  readonly exact: Expr | undefined
  /** The value as a float (from the exact value, or by adaptive quadrature when there is none). */
  readonly value: number
  readonly method: "antiderivative" | "quadrature"
}

export interface EngineApi {
  /** Polish `(+ (* 2 x) 1)` or infix `2*x + 1` (text not starting with "(" is infix). */
  readonly parse: (text: string) => Effect.Effect<Expr, EngineError>
  readonly print: (expr: Expr) => string
  /** A number: exact (Integer/Rational) where the inputs are, Float where a function forces it. */
  readonly evaluate: (expr: Expr, bindings?: Bindings) => Effect.Effect<Expr, EngineError>
  /** Canonical form: idempotent and value-preserving. */
  readonly simplify: (expr: Expr) => Effect.Effect<Expr, EngineError>
  /** d expr / d variable, simplified. */
  readonly derive: (expr: Expr, variable: string) => Effect.Effect<Expr, EngineError>
  /** An antiderivative (constant of integration 0), simplified; CannotIntegrate when none is found. */
  readonly antiderivative: (expr: Expr, variable: string) => Effect.Effect<Expr, EngineError>
  readonly definiteIntegral: (
    expr: Expr,
    variable: string,
    lower: Expr,
    upper: Expr
  ) => Effect.Effect<DefiniteIntegral, EngineError>
  /** Solves `(= lhs rhs)` (or `expr = 0`) for the variable over the reals. */
  readonly solve: (equation: Expr, variable: string) => Effect.Effect<SolveResult, EngineError>
  /** Canonical equality, else agreement at ≥ 8 random points within 1e-3 relative (SPEC §6). */
  readonly equivalent: (a: Expr, b: Expr) => Effect.Effect<boolean, EngineError>
  /**
   * What an expression asks for: `(derive f x)` → the derivative, `(integrate f x a b)` →
   * the definite value, `(solve …)` → the solutions, anything else → its value (or its
   * simplified form when symbols are unbound and no bindings are given).
   */
  readonly run: (expr: Expr, bindings?: Bindings) => Effect.Effect<Expr, EngineError>
}

export class Engine extends Context.Tag("grapheme/Engine")<Engine, EngineApi>() {}
