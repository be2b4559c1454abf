import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { adaptiveQuadrature, integrateNumeric } from "../../src/layers/engine/quadrature.js"
import { EngineError } from "../../src/services/Engine.js"

const reason = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (e instanceof EngineError) return e.reason
    throw e
  }
  return "no error"
}
const relClose = (x: number, y: number, rtol: number) => Math.abs(x - y) <= rtol * Math.max(1, Math.abs(y))

describe("adaptiveQuadrature", () => {
  it("integrates smooth functions to near machine precision", () => {
    expect(adaptiveQuadrature((x) => x * x, 0, 1)).toBeCloseTo(1 / 3, 14)
    expect(adaptiveQuadrature(Math.sin, 0, Math.PI)).toBeCloseTo(2, 13)
    expect(adaptiveQuadrature(Math.exp, -5, 5)).toBeCloseTo(Math.exp(5) - Math.exp(-5), 10)
    expect(adaptiveQuadrature((x) => Math.exp(-x * x), -10, 10)).toBeCloseTo(Math.sqrt(Math.PI), 12)
    expect(adaptiveQuadrature((x) => Math.cos(50 * x), -5, 5)).toBeCloseTo((2 * Math.sin(250)) / 50, 11)
  })

  it("handles reversed and empty intervals", () => {
    expect(adaptiveQuadrature((x) => x * x, 1, 0)).toBeCloseTo(-1 / 3, 14)
    expect(adaptiveQuadrature((x) => x * x, 2, 2)).toBe(0)
    expect(adaptiveQuadrature(() => NaN, 2, 2)).toBe(0)
  })

  it("is robust to integrable end-point singularities", () => {
    expect(adaptiveQuadrature((x) => 1 / Math.sqrt(x), 0, 1)).toBeCloseTo(2, 8)
    expect(adaptiveQuadrature(Math.log, 0, 1)).toBeCloseTo(-1, 9)
    expect(adaptiveQuadrature((x) => Math.pow(x, -0.9), 0, 1)).toBeCloseTo(10, 6)
    expect(adaptiveQuadrature((x) => Math.sqrt(1 - x * x), -1, 1)).toBeCloseTo(Math.PI / 2, 9)
  })

  it("integrates a kink and a jump", () => {
    expect(adaptiveQuadrature(Math.abs, -1, 2)).toBeCloseTo(2.5, 9)
    expect(adaptiveQuadrature(Math.floor, 0, 2.5)).toBeCloseTo(2, 8)
  })

  it.each([
    ["1/x across 0", (x: number) => (x === 0 ? NaN : 1 / x), -1, 1],
    ["1/x from 0", (x: number) => 1 / x, 0, 1],
    ["1/(x − 1/3)", (x: number) => 1 / (x - 1 / 3), 0, 1],
    ["1/x² across 0", (x: number) => 1 / (x * x), -1, 2],
    ["tan across π/2", Math.tan, 0, 2],
    ["√x over negatives", Math.sqrt, -1, 1],
    ["NaN inside", (x: number) => (x > 0.5 ? NaN : x), 0, 1]
  ] as const)("fails with Domain, never a number: %s", (_, f, a, b) => {
    expect(reason(() => adaptiveQuadrature(f, a, b))).toBe("Domain")
  })

  it("rejects infinite bounds", () => {
    expect(reason(() => adaptiveQuadrature(Math.exp, 0, Infinity))).toBe("Domain")
  })

  it("reports its error estimate and work", () => {
    const r = integrateNumeric(Math.sin, 0, 3)
    expect(r.error).toBeLessThan(1e-12)
    expect(r.evaluations).toBeGreaterThanOrEqual(60)
  })

  it.prop(
    "polynomials of degree ≤ 8 agree with their exact integral",
    [fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 })],
    ([coeffs, a, b]) => {
      const f = (x: number) => coeffs.reduce((s, c, k) => s + c * x ** k, 0)
      const F = (x: number) => coeffs.reduce((s, c, k) => s + (c * x ** (k + 1)) / (k + 1), 0)
      expect(relClose(adaptiveQuadrature(f, a, b), F(b) - F(a), 1e-11)).toBe(true)
    },
    { fastCheck: { numRuns: 200 } }
  )

  it.prop(
    "c·sin(kx + φ) and c·exp(kx) agree with their closed forms",
    [
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.integer({ min: -12, max: 12 }).filter((k) => k !== 0),
      fc.double({ min: -3, max: 3, noNaN: true }),
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.double({ min: -5, max: 5, noNaN: true })
    ],
    ([c, k, phi, a, b]) => {
      const sinF = (x: number) => (-c * Math.cos(k * x + phi)) / k
      expect(relClose(adaptiveQuadrature((x) => c * Math.sin(k * x + phi), a, b), sinF(b) - sinF(a), 1e-9)).toBe(true)
      const kk = k / 4
      const expF = (x: number) => (c * Math.exp(kk * x)) / kk
      expect(relClose(adaptiveQuadrature((x) => c * Math.exp(kk * x), a, b), expF(b) - expF(a), 1e-9)).toBe(true)
    },
    { fastCheck: { numRuns: 200 } }
  )

  it.prop(
    "x^(−p) on [0, b] (an integrable end-point singularity) agrees with b^(1−p)/(1−p)",
    [fc.double({ min: 0.05, max: 0.8, noNaN: true }), fc.double({ min: 0.5, max: 5, noNaN: true })],
    ([p, b]) => {
      const exact = Math.pow(b, 1 - p) / (1 - p)
      expect(relClose(adaptiveQuadrature((x) => Math.pow(x, -p), 0, b), exact, 1e-6)).toBe(true)
    },
    { fastCheck: { numRuns: 50 } }
  )

  it.prop(
    "a simple pole inside the interval is always a Domain error",
    [fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true })],
    ([c, left, right]) => {
      expect(reason(() => adaptiveQuadrature((x) => 1 / (x - c), c - left, c + right))).toBe("Domain")
    },
    { fastCheck: { numRuns: 50 } }
  )
})
