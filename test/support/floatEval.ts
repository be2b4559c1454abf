/**
 * An independent double-precision evaluator for tests: written separately from the
 * engine so that properties compare the engine against something it does not share
 * code with. NaN where the value is undefined or not finite.
 */
import type { Expr } from "../../src/domain/Expr.js"

export const floatEval = (e: Expr, env: Readonly<Record<string, number>> = {}): number => {
  const r = go(e, env)
  return Number.isFinite(r) ? r : NaN
}

const go = (e: Expr, env: Readonly<Record<string, number>>): number => {
  switch (e._tag) {
    case "Integer":
      return Number(e.value)
    case "Float":
      return e.value
    case "Rational":
      return Number(e.num) / Number(e.den)
    case "Symbol":
      return e.name in env ? (env[e.name] as number) : e.name === "pi" ? Math.PI : e.name === "e" ? Math.E : NaN
    case "Op": {
      const v = e.args.map((a) => go(a, env))
      const [a, b] = [v[0] as number, v[1] as number]
      switch (e.op) {
        case "+":
          return v.reduce((s, x) => s + x, 0)
        case "*":
          return v.reduce((s, x) => s * x, 1)
        case "-":
          return v.length === 1 ? -a : v.slice(1).reduce((s, x) => s - x, a)
        case "/":
          return v.slice(1).reduce((s, x) => (x === 0 ? NaN : s / x), a)
        case "^":
          return v.reduceRight((acc, x) => realPow(x, acc))
        case "%":
          return b === 0 ? NaN : a % b
      }
      return NaN
    }
    case "Fn": {
      const a = go(e.args[0] as Expr, env)
      switch (e.fn) {
        case "sin":
          return Math.sin(a)
        case "cos":
          return Math.cos(a)
        case "tan":
          return Math.abs(Math.cos(a)) < 1e-12 ? NaN : Math.tan(a)
        case "ln":
          return a > 0 ? Math.log(a) : NaN
        case "log":
          return a > 0 ? Math.log10(a) : NaN
        case "exp":
          return Math.exp(a)
        case "sqrt":
          return a >= 0 ? Math.sqrt(a) : NaN
        case "abs":
          return Math.abs(a)
        case "floor":
          return Math.floor(a)
        case "ceil":
          return Math.ceil(a)
        default:
          return NaN
      }
    }
  }
}

const realPow = (a: number, b: number): number => {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN
  if (a === 0 && b < 0) return NaN
  if (a < 0 && !Number.isInteger(b)) return NaN
  return Math.pow(a, b)
}

/** |a − b| ≤ rtol·max(1, |a|, |b|). */
export const close = (a: number, b: number, rtol: number): boolean =>
  Math.abs(a - b) <= rtol * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * The value and the largest magnitude met on the way: rounding error of a float
 * evaluation is bounded by a small multiple of ε·scale, so comparisons between two
 * evaluations of equal expressions use a tolerance relative to the scale.
 */
export const floatEvalScaled = (e: Expr, env: Readonly<Record<string, number>> = {}): { value: number; scale: number } => {
  let scale = 1
  const walk = (x: Expr): number => {
    const v = go(x, env)
    if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v))
    if (x._tag === "Op" || x._tag === "Fn") for (const a of x.args) walk(a)
    return v
  }
  const value = walk(e)
  return { value: Number.isFinite(value) ? value : NaN, scale }
}
