/**
 * The integral check reads the antiderivative where the answer reads it: at the bounds. An
 * antiderivative found by substitution, 2x·e^(x²)/(2x), is right everywhere but at 0,
 * where it reads 0/0; the answer F(1) − F(0) would be off by the limit it misses.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { parse } from "../../src/domain/Polish.js"
import { checkTangents, endValue, interiorPoints, type TangentClaim } from "../../src/layers/brain/selfCheck.js"
import { floatEvaluator } from "./floatEvaluator.js"

const claim = (F: string, f: string, a: number, b: number): TangentClaim => ({
  f: Either.getOrThrow(parse(F)),
  g: Either.getOrThrow(parse(f)),
  describe: "the integrand",
  source: "its antiderivative",
  strict: true,
  variable: "x",
  bindings: [],
  points: interiorPoints(a, b),
  ends: [a, b]
})

describe("the integral check at the bounds", () => {
  it("passes an antiderivative continuous at both bounds", () => {
    expect(checkTangents(floatEvaluator, [claim("(exp (^ x 2))", "(* (* 2 x) (exp (^ x 2)))", 0, 1)])).toEqual([undefined])
  })

  it("fails one that is right inside [a, b] but not at a bound (0/0 at x = 0)", () => {
    const F = "(* (* 2 x) (/ (exp (^ x 2)) (* 2 x)))"
    expect(checkTangents(floatEvaluator, [{ ...claim(F, "(* (* 2 x) (exp (^ x 2)))", 0, 1), ends: undefined }])).toEqual([undefined])
    expect(checkTangents(floatEvaluator, [claim(F, "(* (* 2 x) (exp (^ x 2)))", 0, 1)])[0]).toMatch(/with x at 0 its antiderivative is .* but its values just inside tend to 1/)
    // read as its limit from inside (as the answer reads it then), the gap is fine: the limit is well defined
    expect(checkTangents(floatEvaluator, [{ ...claim(F, "(* (* 2 x) (exp (^ x 2)))", 0, 1), limits: true }])).toEqual([undefined])
    // a jump is not a removable gap: 1/x at 0 has no limit
    expect(checkTangents(floatEvaluator, [{ ...claim("(/ 1 x)", "(- 0 (/ 1 (* x x)))", 0, 1), limits: true }])[0]).toBeDefined()
    // the same expression over bounds away from 0 is fine
    expect(checkTangents(floatEvaluator, [claim(F, "(* (* 2 x) (exp (^ x 2)))", 1, 2)])).toEqual([undefined])
  })

  it("reads an end as the limit from inside where the value there is no limit, as the value itself elsewhere", () => {
    expect(endValue(0, 1 + 1e-10, 1 + 4e-10)).toBeCloseTo(1, 9)
    expect(endValue(2, 2 + 1e-9, 2 + 2e-9)).toBe(2)
  })
})
