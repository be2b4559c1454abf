/**
 * Small helpers of the integrator: constructors that fold numbers exactly as they
 * build (so intermediate antiderivatives stay small before the final `simplify`), the
 * linear form a·v + b of an expression, and a numerical antiderivative check used to
 * accept the results of heuristic rules (substitution).
 */
import type { Expr } from "../../../domain/Expr.js"
import { add, contains, div, freeSymbols, mul, neg, ONE, pow, ZERO } from "../../../domain/Expr.js"
import { evalFloat } from "../../../domain/FloatEval.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { simplify } from "../simplify.js"

export const numOf = (e: Expr): Num | undefined => N.fromExpr(e)
export const isZeroExpr = (e: Expr): boolean => {
  const n = numOf(e)
  return n !== undefined && N.isZero(n)
}
const isOneExpr = (e: Expr): boolean => {
  const n = numOf(e)
  return n !== undefined && N.isExact(n) && N.isOne(n)
}

/** Sum, folding the numbers. */
export const cAdd = (...xs: ReadonlyArray<Expr>): Expr => {
  let c: Num = N.ZERO
  const rest: Array<Expr> = []
  for (const x of xs) {
    const n = numOf(x)
    if (n !== undefined) c = N.add(c, n)
    else rest.push(x)
  }
  if (!N.isZero(c) || rest.length === 0) rest.push(N.toExpr(c))
  return rest.length === 1 ? (rest[0] as Expr) : add(...rest)
}

/** Product, folding the numbers (a zero number gives 0). */
export const cMul = (...xs: ReadonlyArray<Expr>): Expr => {
  let c: Num = N.ONE
  const rest: Array<Expr> = []
  for (const x of xs) {
    const n = numOf(x)
    if (n !== undefined) c = N.mul(c, n)
    else rest.push(x)
  }
  if (N.isZero(c)) return N.toExpr(c)
  if (!(N.isOne(c) && N.isExact(c)) || rest.length === 0) rest.unshift(N.toExpr(c))
  return rest.length === 1 ? (rest[0] as Expr) : mul(...rest)
}

export const cNeg = (x: Expr): Expr => {
  const n = numOf(x)
  return n !== undefined ? N.toExpr(N.negate(n)) : neg(x)
}

export const cSub = (a: Expr, b: Expr): Expr => cAdd(a, cNeg(b))

export const cDiv = (a: Expr, b: Expr): Expr => {
  const nb = numOf(b)
  if (nb !== undefined) return cMul(a, N.toExpr(N.reciprocal(nb)))
  if (isZeroExpr(a)) return a
  return div(a, b)
}

/** base^q for a numeric exponent q. */
export const cPow = (base: Expr, q: Num): Expr => {
  if (N.isExact(q) && q.n === 0n) return ONE
  if (N.isExact(q) && N.isOne(q)) return base
  const nb = numOf(base)
  if (nb !== undefined && N.isExact(nb) && N.isExact(q)) {
    try {
      const r = N.pow(nb, q)
      if (N.isExact(r)) return N.toExpr(r)
    } catch {
      // leave it symbolic
    }
  }
  return pow(base, N.toExpr(q))
}

/** a·v + b with a, b free of v. */
export interface Linear {
  readonly a: Expr
  readonly b: Expr
}

const linearRaw = (e: Expr, v: string): Linear | undefined => {
  if (!contains(e, v)) return { a: ZERO, b: e }
  switch (e._tag) {
    case "Symbol":
      return { a: ONE, b: ZERO }
    case "Op": {
      switch (e.op) {
        case "+": {
          const parts = e.args.map((x) => linearRaw(x, v))
          if (parts.some((p) => p === undefined)) return undefined
          const ps = parts as Array<Linear>
          return { a: cAdd(...ps.map((p) => p.a)), b: cAdd(...ps.map((p) => p.b)) }
        }
        case "-": {
          const parts = e.args.map((x) => linearRaw(x, v))
          if (parts.some((p) => p === undefined)) return undefined
          const ps = parts as Array<Linear>
          const first = ps[0] as Linear
          if (ps.length === 1) return { a: cNeg(first.a), b: cNeg(first.b) }
          return {
            a: cAdd(first.a, ...ps.slice(1).map((p) => cNeg(p.a))),
            b: cAdd(first.b, ...ps.slice(1).map((p) => cNeg(p.b)))
          }
        }
        case "*": {
          const dependent = e.args.filter((x) => contains(x, v))
          if (dependent.length !== 1) return undefined
          const inner = linearRaw(dependent[0] as Expr, v)
          if (inner === undefined) return undefined
          const k = cMul(...e.args.filter((x) => !contains(x, v)))
          return { a: cMul(k, inner.a), b: cMul(k, inner.b) }
        }
        case "/": {
          if (e.args.slice(1).some((x) => contains(x, v))) return undefined
          const inner = linearRaw(e.args[0] as Expr, v)
          if (inner === undefined) return undefined
          let a = inner.a
          let b = inner.b
          for (const d of e.args.slice(1)) {
            a = cDiv(a, d)
            b = cDiv(b, d)
          }
          return { a, b }
        }
        case "^": {
          // L^1 only.
          const [base, exponent] = e.args as [Expr, Expr]
          if (e.args.length === 2 && isOneExpr(exponent)) return linearRaw(base, v)
          return undefined
        }
        default:
          return undefined
      }
    }
    default:
      return undefined
  }
}

/** The linear form of `e` in `v` with a simplified, nonzero slope; undefined when `e` is not linear. */
export const linear = (e: Expr, v: string): Linear | undefined => {
  if (!contains(e, v)) return undefined
  const raw = linearRaw(e, v)
  if (raw === undefined) return undefined
  const a = simplify(raw.a)
  if (isZeroExpr(a) || contains(a, v)) return undefined
  return { a, b: simplify(raw.b) }
}

const SAMPLE_POINTS = [-2.7, -1.3, -0.6, 0.35, 0.8, 1.7, 2.9, 4.1, 6.3, 0.15, -4.4, 8.8]

/**
 * Whether dF/dv ≈ f at the sample points where both are defined (central differences),
 * with other free symbols bound to fixed values. Needs at least 3 defined points.
 */
export const looksLikeAntiderivative = (F: Expr, f: Expr, v: string): boolean => {
  const env: Record<string, number> = {}
  freeSymbols(add(F, f)).forEach((s, i) => {
    if (s !== v) env[s] = 1.37 + 0.41 * i
  })
  let defined = 0
  for (const x of SAMPLE_POINTS) {
    env[v] = x
    const fx = evalFloat(f, env)
    if (Number.isNaN(fx)) continue
    const h = 1e-5 * Math.max(1, Math.abs(x))
    env[v] = x + h
    const fp = evalFloat(F, env)
    env[v] = x - h
    const fm = evalFloat(F, env)
    if (Number.isNaN(fp) || Number.isNaN(fm)) continue
    const d = (fp - fm) / (2 * h)
    const tol = 1e-4 * Math.max(1, Math.abs(fx)) + (1e-12 * (Math.abs(fp) + Math.abs(fm))) / h
    if (Math.abs(d - fx) > tol) return false
    defined++
  }
  return defined >= 3
}
