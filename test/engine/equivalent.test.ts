import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import type { Expr } from "../../src/domain/Expr.js"
import { parse } from "../../src/domain/Polish.js"
import { equivalent, withinTolerance } from "../../src/layers/engine/equivalent.js"
import { realExpr } from "../support/arbitraries.js"
import { floatEval } from "../support/floatEval.js"

const P = (text: string): Expr => Either.getOrThrow(parse(text))
const eqv = (a: string, b: string, seed?: number) => equivalent(P(a), P(b), seed)
const op = (o: "+" | "-" | "*" | "/", ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op: o, args })
const int = (n: number): Expr => ({ _tag: "Integer", value: BigInt(n) })

/** Defined at ≥ 12 of a fixed set of test points in x and y (so the numerical check has something to compare). */
const widelyDefined = (e: Expr): boolean => {
  let n = 0
  for (let i = 0; i < 40; i++) if (Number.isFinite(floatEval(e, { x: -3 + 0.17 * i, y: 0.2 + 0.23 * i }))) n++
  return n >= 30
}

describe("equivalent", () => {
  it.each([
    ["(+ x x)", "(* 2 x)"],
    ["(^ (+ x 1) 2)", "(+ (^ x 2) (* 2 x) 1)"],
    ["(+ (^ (sin x) 2) (^ (cos x) 2))", "1"],
    ["(* x y)", "(* y x)"],
    ["(/ 1 3)", "0.3333"],
    ["(sin (* 2 x))", "(* 2 (sin x) (cos x))"],
    ["(ln (* x y))", "(+ (ln x) (ln y))"],
    ["(ln (abs x))", "(ln x)"], // agree wherever both are defined
    ["(/ (- (^ x 2) 1) (- x 1))", "(+ x 1)"],
    ["(exp (+ x 1))", "(* e (exp x))"]
  ])("%s ≡ %s", (a, b) => {
    expect(eqv(a, b)).toBe(true)
  })

  it.each([
    ["(sin x)", "(cos x)"],
    ["(+ x 1)", "x"],
    ["(* x y)", "(* x y 1.01)"],
    ["0.34", "(/ 1 3)"],
    ["(^ x 2)", "(abs x)"],
    ["(sqrt (- -1 (^ x 2)))", "0"], // never defined: nothing shown
    ["(ln (- x 100))", "(ln (- x 100))"], // equal structurally is enough
    ["x", "(= x 1)"]
  ])("%s ≢ %s (unless structurally equal)", (a, b) => {
    expect(eqv(a, b)).toBe(a === b)
  })

  it("applies the tolerance of SPEC §6, relative to the reference", () => {
    expect(withinTolerance(1000.9, 1000)).toBe(true)
    expect(withinTolerance(1001.1, 1000)).toBe(false)
    expect(withinTolerance(0.0009, 0)).toBe(true)
    expect(withinTolerance(0.0011, 0)).toBe(false)
    expect(eqv("1.0009", "1")).toBe(true)
    expect(eqv("1.0011", "1")).toBe(false)
  })

  it("is deterministic and does not depend on the seed for clear cases", () => {
    for (const seed of [1, 2, 3, 99]) {
      expect(eqv("(* 2 (sin x) (cos x))", "(sin (* 2 x))", seed)).toBe(true)
      expect(eqv("(sin x)", "(sin (+ x 0.01))", seed)).toBe(false)
    }
    expect(eqv("(/ x (+ y 1))", "(* x (^ (+ y 1) -1))", 5)).toBe(eqv("(/ x (+ y 1))", "(* x (^ (+ y 1) -1))", 5))
  })

  it("skips points where a side is undefined and needs 8 defined ones", () => {
    // Defined only for x > 2.9: about 37% of the draws from [0.1, 10], enough points.
    expect(eqv("(sqrt (- x 2.9))", "(abs (sqrt (- x 2.9)))")).toBe(true)
    // Defined only for x ≥ 9.99: almost never drawn.
    expect(eqv("(sqrt (- x 9.99))", "(abs (sqrt (- x 9.99)))")).toBe(false)
  })

  it.prop(
    "value-preserving rewrites are equivalent to the original",
    [realExpr(["x", "y"], 3), fc.constantFrom(0, 1, 2, 3)],
    ([e, k]) => {
      fc.pre(widelyDefined(e))
      const rewritten =
        k === 0 ? op("+", e, int(0))
        : k === 1 ? op("*", int(2), op("/", e, int(2)))
        : k === 2 ? op("-", op("+", e, int(1)), int(1))
        : op("*", e, int(1))
      expect(equivalent(rewritten, e)).toBe(true)
    },
    { fastCheck: { numRuns: 200 } }
  )

  it.prop(
    "adding a constant ≥ 0.01 is never equivalent",
    [realExpr(["x", "y"], 3), fc.integer({ min: 1, max: 5 })],
    ([e, k]) => {
      fc.pre(widelyDefined(e))
      // Relative shift of k·max(1, |e|)/100 at every point: always above the 1e-3 tolerance.
      const shifted = op("+", e, op("*", { _tag: "Rational", num: BigInt(k), den: 100n }, op("+", int(1), { _tag: "Fn", fn: "abs", args: [e] })))
      expect(equivalent(shifted, e)).toBe(false)
    },
    { fastCheck: { numRuns: 200 } }
  )
})
