import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import type { Expr } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { derive } from "../../src/layers/engine/derive.js"
import { EngineError } from "../../src/services/Engine.js"
import { gridDouble, realExpr } from "../support/arbitraries.js"
import { floatEval } from "../support/floatEval.js"

const dx = (text: string) => print(derive(Either.getOrThrow(parse(text)), "x"))

/**
 * Richardson-extrapolated central difference, or undefined where f is not smooth on
 * the stencil: one-sided differences must agree (no kink such as |x| at 0, no pole),
 * the two step sizes must agree (the truncation error is small), and the estimate
 * must have converged: the extrapolations from h and from h/2 agree (near a point
 * where a higher derivative blows up, such as x^(3/2) beside 0, they do not).
 */
const numericDerivative = (f: (x: number) => number, x: number): number | undefined => {
  const h = 1e-4
  const [fm, f0, fp] = [f(x - h), f(x), f(x + h)]
  const d1 = (fp - fm) / (2 * h)
  const d2 = (f(x + h / 2) - f(x - h / 2)) / h
  const d4 = (f(x + h / 4) - f(x - h / 4)) / (h / 2)
  if (![fm, f0, fp, d1, d2, d4].every(Number.isFinite)) return undefined
  if (Math.abs((fp - f0) / h - (f0 - fm) / h) > 1e-2 * Math.max(1, Math.abs(d2))) return undefined
  if (Math.abs(d1 - d2) > 1e-3 * Math.max(1, Math.abs(d2))) return undefined
  const coarse = (4 * d2 - d1) / 3
  const fine = (4 * d4 - d2) / 3
  // Rounding of f's values divided by h/2 bounds how well the two can agree.
  const rounding = (40 * Number.EPSILON * Math.max(1, Math.abs(f0))) / h
  if (Math.abs(coarse - fine) > 1e-6 * Math.max(1, Math.abs(fine)) + rounding) return undefined
  return fine
}

/** The largest magnitude among the values of f's subexpressions at env (NaN ones ignored). */
const largestIntermediate = (f: Expr, env: Record<string, number>): number => {
  let largest = 0
  const visit = (e: Expr): void => {
    const v = Math.abs(floatEval(e, env))
    if (Number.isFinite(v) && v > largest) largest = v
    if (e._tag === "Op" || e._tag === "Fn") e.args.forEach(visit)
  }
  visit(f)
  return largest
}

describe("derive", () => {
  it.each([
    ["(^ x 2)", "(* 2 x)"],
    ["(+ (* 3 (^ x 4)) (* 2 x) 7)", "(+ (* 12 (^ x 3)) 2)"],
    ["(^ x x)", "(* (^ x x) (+ (ln x) 1))"],
    ["(/ x (+ x 1))", "(/ 1 (^ (+ x 1) 2))"],
    ["(sin (* 2 x))", "(* 2 (cos (* 2 x)))"],
    ["(ln x)", "(/ 1 x)"],
    ["(exp x)", "(exp x)"],
    ["(^ 2 x)", "(* (ln 2) (^ 2 x))"],
    ["(sqrt x)", "(/ 1 (* 2 (sqrt x)))"],
    ["(* x (exp x))", "(+ (* x (exp x)) (exp x))"],
    ["(- x)", "-1"],
    ["y", "0"],
    ["(* y x)", "y"]
  ])("d/dx %s = %s", (input, expected) => {
    expect(dx(input)).toBe(expected)
  })

  it("agrees with a central finite difference", () => {
    let compared = 0
    fc.assert(
      fc.property(realExpr(["x"], 4), gridDouble(-3, 3), (f: Expr, x: number) => {
        let df: Expr
        try {
          df = derive(f, "x")
        } catch (err) {
          if (err instanceof EngineError) return
          throw err
        }
        const numeric = numericDerivative((t) => floatEval(f, { x: t }), x)
        const symbolic = floatEval(df, { x })
        if (numeric === undefined || Number.isNaN(symbolic)) return
        compared++
        // Truncation (after Richardson) plus rounding divided by h: a float evaluation's error
        // scales with its largest intermediate value (sin(e^17 + x) rounds e^17 + x, not sin).
        const rounding = (10 * Number.EPSILON * Math.max(1, largestIntermediate(f, { x }))) / 1e-4
        expect(Math.abs(symbolic - numeric)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(numeric)) + rounding)
      }),
      { numRuns: 3000 }
    )
    expect(compared).toBeGreaterThan(1000)
  })

  it("differentiates x^x with the general power rule, not the constant-exponent rule", () => {
    const df = derive(Either.getOrThrow(parse("(^ x x)")), "x")
    for (const x of [0.5, 1, 2, 3]) expect(floatEval(df, { x })).toBeCloseTo(Math.pow(x, x) * (Math.log(x) + 1), 10)
  })
})
