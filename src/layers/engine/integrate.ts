/**
 * Integration (SPEC §1, level 6): the symbolic antiderivative and the definite integral.
 *
 * `antiderivative(f, v)` applies the rules of integrate/rules.ts (to f as written, then
 * to simplify(f) when that fails) and simplifies the result. The constant of
 * integration is 0 in the rules' natural form: ∫(x+1)³ = (x+1)⁴/4, not its expansion.
 * ∫ 1/x = ln|x| — `(ln (abs x))` — so that the antiderivative is right on both sides of
 * 0 (its derivative is 1/x wherever 1/x is defined); likewise ln|a·x + b|/a and
 * −ln|cos u|/a for tan.
 *
 * `definiteIntegral(f, v, a, b)`:
 * 1. the bounds must evaluate to numbers and f may have no free symbol but v;
 * 2. f is integrated numerically over [a, b] (adaptive Gauss–Kronrod, quadrature.ts). This
 *    is the guard against wrong numbers: where f is undefined inside the interval or the
 *    integral diverges (1/x over [−1, 1], tan over [0, 2]) it fails with EngineError
 *    "Domain", even though an antiderivative exists and is finite at both bounds;
 * 3. when an antiderivative F exists and is defined at both bounds, F(b) − F(a) is folded
 *    exactly (special values: ln e = 1, ln 1 = 0, |c| for constants of known sign,
 *    sin/cos/tan at rational multiples of π with rational values) and simplified: a
 *    rational result is `exact`. The value must agree with the quadrature (to 1e-6
 *    relative) or the integral fails with "CannotIntegrate" — never a wrong number.
 *    method = "antiderivative";
 * 4. otherwise (no antiderivative, or F undefined at a bound, e.g. ∫₀¹ ln x) the value is
 *    the quadrature's: exact = undefined, method = "quadrature".
 * `exact` is always an Integer or Rational expression when present.
 */
import type { Expr } from "../../domain/Expr.js"
import { contains, equals, freeSymbols, sub, substitute } from "../../domain/Expr.js"
import { evalFloat } from "../../domain/FloatEval.js"
import { print } from "../../domain/Polish.js"
import { type DefiniteIntegral, EngineError } from "../../services/Engine.js"
import { evaluateNum } from "./evaluate.js"
import { cNeg, linear, numOf } from "./integrate/build.js"
import { integrateExpr, NoRule } from "./integrate/rules.js"
import * as N from "./numeric.js"
import { integrateNumeric } from "./quadrature.js"
import { simplify } from "./simplify.js"

const FAMILIES =
  "the engine integrates sums and constant multiples of polynomials, x^n (n ≠ −1 rational), 1/x, rational functions " +
  "with rational linear factors, sin/cos/tan/exp/ln/log/sqrt/abs and c^x of linear arguments, powers of sin and cos, " +
  "polynomial × exp/sin/cos, x^n·ln x, exp·sin/cos, and substitutions f(g(x))·g′(x)"

const calculusHead = (e: Expr): string | undefined => {
  if (e._tag === "Fn" && (e.fn === "derive" || e.fn === "integrate" || e.fn === "solve" || e.fn === "=")) return e.fn
  if (e._tag === "Op" || e._tag === "Fn") {
    for (const a of e.args) {
      const h = calculusHead(a)
      if (h !== undefined) return h
    }
  }
  return undefined
}

const cannotIntegrate = (message: string) => new EngineError({ reason: "CannotIntegrate", message })

/** An antiderivative of `expr` with respect to `v` (constant 0), simplified. Throws EngineError. */
export const antiderivative = (expr: Expr, v: string): Expr => {
  const head = calculusHead(expr)
  if (head !== undefined)
    throw cannotIntegrate(`cannot integrate ${print(expr)}: it contains an unevaluated (${head} …); reduce it first`)
  let failure: NoRule
  try {
    return simplify(integrateExpr(expr, v))
  } catch (err) {
    if (!(err instanceof NoRule)) throw err
    failure = err
  }
  const simplified = simplify(expr)
  if (!equals(simplified, expr)) {
    try {
      return simplify(integrateExpr(simplified, v))
    } catch (err) {
      if (!(err instanceof NoRule)) throw err
    }
  }
  const where = equals(failure.subject, expr) ? "" : ` (in the part ${print(failure.subject)})`
  throw cannotIntegrate(`cannot integrate ${print(expr)} with respect to ${v}: ${failure.why}${where}; ${FAMILIES}`)
}

// ---- exact values at the bounds -------------------------------------------------

const HALF = N.Q.of(1n, 2n)
/** sin(kπ/6) for k = 0..11; undefined where it is irrational. */
const SIN_SIXTHS: ReadonlyArray<N.Q | undefined> = [
  N.ZERO, HALF, undefined, N.ONE, undefined, HALF, N.ZERO, N.Q.of(-1n, 2n), undefined, N.Q.of(-1n, 1n), undefined, N.Q.of(-1n, 2n)
]

/** r when u = r·π with r rational. */
const piMultiple = (u: Expr): N.Q | undefined => {
  if (!contains(u, "pi") || freeSymbols(u).length > 0) return undefined
  const L = linear(u, "pi")
  if (L === undefined) return undefined
  const a = numOf(L.a)
  const b = numOf(L.b)
  if (a === undefined || b === undefined || !N.isExact(a) || !N.isExact(b) || b.n !== 0n) return undefined
  return a
}

const mod = (a: bigint, m: bigint): number => Number(((a % m) + m) % m)

const trigAtPiMultiple = (f: string, r: N.Q): Expr | undefined => {
  if (f === "tan") {
    const k4 = r.n * 4n
    if (k4 % r.d !== 0n) return undefined
    const k = mod(k4 / r.d, 4n)
    if (k === 2) throw new EngineError({ reason: "Domain", message: "tan at a pole" })
    return N.toExpr([N.ZERO, N.ONE, N.ZERO, N.Q.of(-1n, 1n)][k] as N.Q)
  }
  const k6 = r.n * 6n
  if (k6 % r.d !== 0n) return undefined
  const k = mod(k6 / r.d + (f === "cos" ? 3n : 0n), 12n)
  const s = SIN_SIXTHS[k]
  return s === undefined ? undefined : N.toExpr(s)
}

/**
 * Folds the numeric parts of a closed expression exactly, with the special values the
 * simplifier does not know. Throws EngineError where the expression is undefined.
 */
const exactFold = (e: Expr): Expr => {
  if (e._tag !== "Op" && e._tag !== "Fn") return e
  const args = e.args.map(exactFold)
  const node: Expr = { ...e, args }
  if (args.every((a) => numOf(a) !== undefined)) {
    if (node._tag === "Op") return N.toExpr(evaluateNum(node))
    const x = numOf(args[0] as Expr) as N.Num
    const y = N.applyFunction(node.fn, x)
    return N.isExact(y) || !N.isExact(x) ? N.toExpr(y) : node
  }
  if (node._tag === "Fn") {
    const u = args[0] as Expr
    if (node.fn === "abs" && freeSymbols(u).length === 0) {
      const x = evalFloat(u)
      if (x > 1e-9) return u
      if (x < -1e-9) return cNeg(u)
    }
    if (node.fn === "sin" || node.fn === "cos" || node.fn === "tan") {
      const r = piMultiple(u)
      if (r !== undefined) return trigAtPiMultiple(node.fn, r) ?? node
    }
  }
  return node
}

/** F at the bound, folded; undefined where F is undefined there. */
const valueAt = (F: Expr, v: string, bound: Expr): Expr | undefined => {
  try {
    const folded = exactFold(substitute(F, v, bound))
    return Number.isFinite(evalFloat(folded)) ? folded : undefined
  } catch (err) {
    if (err instanceof EngineError && (err.reason === "Domain" || err.reason === "DivisionByZero" || err.reason === "Overflow"))
      return undefined
    throw err
  }
}

/** ∫ from lower to upper of expr dv. Throws EngineError (see the module comment). */
export const definiteIntegral = (expr: Expr, v: string, lower: Expr, upper: Expr): DefiniteIntegral => {
  const head = calculusHead(expr)
  if (head !== undefined)
    throw cannotIntegrate(`cannot integrate ${print(expr)}: it contains an unevaluated (${head} …); reduce it first`)
  const others = freeSymbols(expr).filter((s) => s !== v)
  if (others.length > 0)
    throw new EngineError({
      reason: "Unbound",
      message: `the integrand ${print(expr)} has free symbols other than ${v} (${others.join(", ")}); a definite integral needs numbers`
    })
  const a = N.toFloat(evaluateNum(lower))
  const b = N.toFloat(evaluateNum(upper))
  const env: Record<string, number> = {}
  const f = (x: number): number => {
    env[v] = x
    return evalFloat(expr, env)
  }
  const numeric = integrateNumeric(f, a, b)
  const quadrature: DefiniteIntegral = { exact: undefined, value: numeric.value, method: "quadrature" }
  let F: Expr
  try {
    F = antiderivative(expr, v)
  } catch (err) {
    if (err instanceof EngineError && err.reason === "CannotIntegrate") return quadrature
    throw err
  }
  const Fb = valueAt(F, v, upper)
  const Fa = valueAt(F, v, lower)
  if (Fa === undefined || Fb === undefined) return quadrature
  let difference: Expr
  try {
    difference = simplify(sub(Fb, Fa))
  } catch (err) {
    if (err instanceof EngineError) return quadrature
    throw err
  }
  const n = numOf(difference)
  const exact = n !== undefined && N.isExact(n) ? N.toExpr(n) : undefined
  let value = n !== undefined ? N.toFloat(n) : evalFloat(difference)
  if (!Number.isFinite(value)) value = evalFloat(Fb) - evalFloat(Fa)
  if (!Number.isFinite(value)) return quadrature
  const tolerance = Math.max(1e-6 * Math.max(1, Math.abs(numeric.value)), 10 * numeric.error)
  if (Math.abs(value - numeric.value) > tolerance)
    throw cannotIntegrate(
      `the integral of ${print(expr)} over [${a}, ${b}] could not be verified: the antiderivative ${print(F)} gives ${value}, numerical quadrature ${numeric.value}`
    )
  return { exact, value, method: "antiderivative" }
}
