/**
 * What every rule of the integrator shares: the factor form of an integrand, the
 * `NoRule` failure, one run's state (`Integration`) and small helpers.
 */
import type { Expr } from "../../../domain/Expr.js"
import { fn, int } from "../../../domain/Expr.js"
import { EngineError } from "../../../services/Engine.js"
import { evaluateNum } from "../evaluate.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { cMul, cNeg, cPow } from "./build.js"

/** No rule applies to `subject`; `why` says what is missing. */
export class NoRule extends Error {
  constructor(readonly subject: Expr, readonly why: string) {
    super(why)
  }
}

/** A factor base^exp of an integrand; the exponent is a number. */
export interface Factor {
  readonly base: Expr
  readonly exp: Num
}

/** One run of the integrator, ∫ expr dv: what its rules read, and the one thing they write. */
export interface Integration {
  readonly v: string
  /** The variable as a symbol. */
  readonly V: Expr
  /** The whole integrand of this run. */
  readonly expr: Expr
  /** ∫ e dv by every rule: the rules' recursion. */
  readonly integ: (e: Expr) => Expr
  /** The integrator itself, for a rule that integrates in another variable (substitution). */
  readonly integrateExpr: (expr: Expr, v: string) => Expr
  /** Why the rational-function rule gave up, reported when no other rule applies either. */
  rationalFailure: NoRule | undefined
}

export const q = (n: bigint, d: bigint = 1n): N.Q => N.Q.of(n, d)
export const isSum = (e: Expr): boolean => e._tag === "Op" && (e.op === "+" || (e.op === "-" && e.args.length > 1))
export const isInt = (x: Num, k?: number): boolean =>
  N.isExact(x) && x.d === 1n && (k === undefined || x.n === BigInt(k))
export const isMinusOne = (x: Num): boolean => (N.isExact(x) ? x.n === -1n && x.d === 1n : x === -1)
export const lnAbs = (u: Expr): Expr => fn("ln", fn("abs", u))
export const LN10: Expr = fn("ln", int(10))
export const MAX_EXPAND = 8
export const MAX_TERMS = 512
export const MAX_DEPTH = 40

/** The summands of a sum, with signs: (- a b c) → [a, −b, −c]. */
export const summands = (e: Expr): Array<Expr> => {
  if (e._tag !== "Op") return [e]
  if (e.op === "+") return [...e.args]
  if (e.op === "-" && e.args.length > 1) return [e.args[0] as Expr, ...e.args.slice(1).map(cNeg)]
  return [e]
}

/** A number when the v-free expression evaluates to one (exactly where possible); undefined when it has unbound symbols. */
export const tryNumber = (e: Expr): Num | undefined => {
  try {
    return evaluateNum(e)
  } catch (err) {
    if (err instanceof EngineError && (err.reason === "Unbound" || err.reason === "NotNumeric")) return undefined
    throw err
  }
}

/** The product of the factors. */
export const rebuild = (factors: ReadonlyArray<Factor>): Expr => cMul(...factors.map((f) => cPow(f.base, f.exp)))
