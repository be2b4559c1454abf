/**
 * The fused arithmetic units (src/tensor/ops/units.ts): the same values as the
 * composition of primitive ops they replace (bit for bit), the same gradients (to
 * rounding), and central finite differences — with a row index into a parameter table
 * (repeated rows), without one, and with one output column's gradient exactly 0.
 */
import { describe, expect, it } from "vitest"
import * as T from "../../src/tensor/index.js"
import { expectGradientsMatch, random, randomAwayFromZero, seeded } from "./helpers.js"

const col = (x: T.Tensor, j: number): T.Tensor => T.sliceCols(x, j, j + 1)
const gatedFactor = (m: T.Tensor, x: T.Tensor): T.Tensor => T.addScalar(T.mul(m, T.addScalar(x, -1)), 1)
const logAbsSafe = (x: T.Tensor): T.Tensor => T.log(T.clamp(T.abs(x), 1e-12, 1e300))

/** The units written with primitive ops (as ArithmeticBrain composed them before the fused op). */
const composed = (a: T.Tensor, b: T.Tensor, table: T.Tensor, rows?: ReadonlyArray<number>): T.Tensor => {
  const q = rows === undefined ? table : T.gather(table, rows)
  const affine = T.add(T.mul(col(q, 0), a), T.mul(col(q, 1), b))
  const product = T.mul(gatedFactor(T.hardSigmoid(col(q, 2)), a), gatedFactor(T.hardSigmoid(col(q, 3)), b))
  const la = logAbsSafe(a)
  const lb = logAbsSafe(b)
  const magnitude = T.exp(T.clamp(T.add(T.mul(col(q, 4), la), T.mul(col(q, 5), lb)), -50, 50))
  const signA = T.sign(a.detach())
  const signB = T.sign(b.detach())
  const sign = T.mul(gatedFactor(T.hardSigmoid(col(q, 6)), signA), gatedFactor(T.hardSigmoid(col(q, 7)), signB))
  const grow = T.exp(T.clamp(T.mul(T.mul(col(q, 8), b), la), -50, 50))
  const negativeBase = T.scale(T.addScalar(signA, -1), -0.5)
  const parity = T.rsubScalar(1, T.mul(negativeBase, T.rsubScalar(1, T.cos(T.mul(col(q, 9), b)))))
  return T.concatCols([affine, product, T.mul(sign, magnitude), T.mul(parity, grow)])
}

/** Operands away from 0 (ln|x|), parameters away from the hard-sigmoid kinks at ±2, moderate powers. */
const operands = (seed: number, n: number, h: number) => {
  const rng = seeded(seed)
  const a = randomAwayFromZero(rng, n, 1, 0.3, 2.5)
  const b = randomAwayFromZero(rng, n, 1, 0.3, 2.5)
  const q = random(rng, h, T.UNIT_PARAMETERS, { lo: -3, hi: 3, avoid: [-2, 2], margin: 1e-2 })
  return { a, b, q }
}

const weights = (n: number, zeroColumn?: number): Float64Array => {
  const w = new Float64Array(n * T.UNIT_COUNT)
  for (let i = 0; i < w.length; i++) w[i] = i % T.UNIT_COUNT === zeroColumn ? 0 : Math.sin(1 + 7 * i)
  return w
}

describe("arithmeticUnits", () => {
  it("computes the same values as the composed ops, bit for bit", () => {
    for (const rows of [undefined, [0, 2, 2, 1, 0, 3, 1]]) {
      const { a, b, q } = operands(3, 7, rows === undefined ? 7 : 4)
      // include exact zeros, a negative base with an integer exponent, and saturated exponentials
      a.data[1] = 0
      b.data[2] = 0
      a.data[3] = -2
      b.data[3] = 3
      a.data[4] = 1e30
      b.data[4] = 40
      const fused = T.arithmeticUnits(a, b, q, rows)
      expect(Array.from(fused.data)).toEqual(Array.from(composed(a, b, q, rows).data))
    }
  })

  it("has the composed ops' gradients", () => {
    for (const [rows, zeroColumn] of [
      [undefined, undefined],
      [[0, 2, 2, 1, 0, 1], undefined],
      [[1, 1, 0, 2, 2, 0], 0],
      [[1, 1, 0, 2, 2, 0], 2],
      [[1, 1, 0, 2, 2, 0], 3]
    ] as const) {
      const n = 6
      const { a, b, q } = operands(5, n, rows === undefined ? n : 3)
      a.data[2] = -1.5
      b.data[2] = 2
      a.data[5] = 0 // ln|a| clamped: no gradient through it
      const seed = weights(n, zeroColumn)
      const grads = (f: typeof composed) => {
        for (const t of [a, b, q]) t.grad = null
        f(a, b, q, rows === undefined ? undefined : [...rows]).backward(seed)
        return [a, b, q].map((t) => Array.from(t.grad ?? []))
      }
      const expected = grads(composed)
      const actual = grads((x, y, t, r) => T.arithmeticUnits(x, y, t, r))
      actual.forEach((g, k) =>
        g.forEach((v, i) => expect(Math.abs(v - expected[k]![i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[k]![i]!))))
      )
    }
  })

  it("passes a finite-difference check (per-node parameters and a shared table)", () => {
    const direct = operands(7, 5, 5)
    expectGradientsMatch((a, b, q) => T.arithmeticUnits(a, b, q), [direct.a, direct.b, direct.q])
    const table = operands(8, 8, 3)
    const rows = [2, 0, 0, 1, 2, 2, 1, 0]
    expectGradientsMatch((a, b, q) => T.arithmeticUnits(a, b, q, rows), [table.a, table.b, table.q])
    // inside a larger graph: a and b computed, one unit's output unused
    expectGradientsMatch(
      (a, b, q) => T.sum(T.sliceCols(T.arithmeticUnits(T.scale(a, 1.5), T.addScalar(b, 0.25), q, rows), 0, 3)),
      [table.a, table.b, table.q]
    )
  })

  it("rejects bad shapes and rows", () => {
    const { a, b, q } = operands(9, 3, 3)
    expect(() => T.arithmeticUnits(a, b, T.zeros(3, 9))).toThrow(RangeError)
    expect(() => T.arithmeticUnits(a, T.zeros(2, 1), q)).toThrow(RangeError)
    expect(() => T.arithmeticUnits(a, b, q, [0, 1, 3])).toThrow(RangeError)
    expect(() => T.arithmeticUnits(a, b, T.zeros(2, 10))).toThrow(RangeError)
  })
})
