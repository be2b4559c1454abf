/**
 * The fused arithmetic units (src/layers/brain/units/): the same values as the
 * composition of primitive ops they replace (bit for bit), the same gradients (to
 * rounding), and central finite differences — with a row index into a parameter table
 * (repeated rows), without one, and with one output column's gradient exactly 0.
 */
import { describe, expect, it } from "vitest"
import * as T from "../../src/tensor/index.js"
import { arithmeticUnits, lockedUnits, unaryUnits } from "../../src/layers/brain/units/fused.js"
import { UNARY_COUNT, UNARY_PARAMETERS, UNIT_COUNT, UNIT_PARAMETERS } from "../../src/layers/brain/units/paths.js"
import { expectGradientsMatch, random, randomAwayFromZero, seeded } from "../tensor/helpers.js"

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
  const q = random(rng, h, UNIT_PARAMETERS, { lo: -3, hi: 3, avoid: [-2, 2], margin: 1e-2 })
  return { a, b, q }
}

const weights = (n: number, zeroColumn?: number): Float64Array => {
  const w = new Float64Array(n * UNIT_COUNT)
  for (let i = 0; i < w.length; i++) w[i] = i % UNIT_COUNT === zeroColumn ? 0 : Math.sin(1 + 7 * i)
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
      const fused = arithmeticUnits(a, b, q, rows)
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
      const actual = grads((x, y, t, r) => arithmeticUnits(x, y, t, r))
      actual.forEach((g, k) =>
        g.forEach((v, i) => expect(Math.abs(v - expected[k]![i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[k]![i]!))))
      )
    }
  })

  it("passes a finite-difference check (per-node parameters and a shared table)", () => {
    const direct = operands(7, 5, 5)
    expectGradientsMatch((a, b, q) => arithmeticUnits(a, b, q), [direct.a, direct.b, direct.q])
    const table = operands(8, 8, 3)
    const rows = [2, 0, 0, 1, 2, 2, 1, 0]
    expectGradientsMatch((a, b, q) => arithmeticUnits(a, b, q, rows), [table.a, table.b, table.q])
    // inside a larger graph: a and b computed, one unit's output unused
    expectGradientsMatch(
      (a, b, q) => T.sum(T.sliceCols(arithmeticUnits(T.scale(a, 1.5), T.addScalar(b, 0.25), q, rows), 0, 3)),
      [table.a, table.b, table.q]
    )
  })

  it("rejects bad shapes and rows", () => {
    const { a, b, q } = operands(9, 3, 3)
    expect(() => arithmeticUnits(a, b, T.zeros(3, 9))).toThrow(RangeError)
    expect(() => arithmeticUnits(a, T.zeros(2, 1), q)).toThrow(RangeError)
    expect(() => arithmeticUnits(a, b, q, [0, 1, 3])).toThrow(RangeError)
    expect(() => arithmeticUnits(a, b, T.zeros(2, 10))).toThrow(RangeError)
  })
})

/** The unary units written with primitive ops (as ArithmeticBrain composed them before the fused op). */
const composedUnary = (a: T.Tensor, table: T.Tensor, rows?: ReadonlyArray<number>): T.Tensor => {
  const q = rows === undefined ? table : T.gather(table, rows)
  const sineOf = (A: T.Tensor | undefined, w: T.Tensor, c: T.Tensor) => {
    const s = T.sin(T.add(T.mul(w, a), c))
    return A === undefined ? s : T.mul(A, s)
  }
  const sine = sineOf(col(q, 0), col(q, 1), col(q, 2))
  const exp = T.exp(T.clamp(T.add(T.mul(col(q, 3), a), col(q, 4)), -50, 50))
  const log = T.add(T.mul(col(q, 5), logAbsSafe(a)), col(q, 6))
  const numerator = sineOf(col(q, 7), col(q, 8), col(q, 9))
  const denominator = sineOf(undefined, col(q, 10), col(q, 11))
  const small = Array.from(denominator.data, (v) => (Math.abs(v) < 1e-3 ? 1 : 0))
  const floor = T.column(Array.from(denominator.data, (v) => (v < 0 ? -1e-3 : 1e-3)))
  return T.concatCols([sine, exp, log, T.div(numerator, T.where(small, floor, denominator))])
}

const unaryOperands = (seed: number, n: number, h: number) => {
  const rng = seeded(seed)
  const a = randomAwayFromZero(rng, n, 1, 0.3, 2.5)
  const q = random(rng, h, UNARY_PARAMETERS, { lo: -2, hi: 2 })
  return { a, q }
}

const seedOf = (n: number, cols: number, zeroColumn?: number): Float64Array => {
  const w = new Float64Array(n * cols)
  for (let i = 0; i < w.length; i++) w[i] = i % cols === zeroColumn ? 0 : Math.sin(1 + 7 * i)
  return w
}

const expectSameGradients = (actual: ReadonlyArray<ReadonlyArray<number>>, expected: ReadonlyArray<ReadonlyArray<number>>) =>
  actual.forEach((g, k) =>
    g.forEach((v, i) => expect(Math.abs(v - expected[k]![i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[k]![i]!))))
  )

describe("unaryUnits", () => {
  it("computes the same values as the composed ops, bit for bit", () => {
    for (const rows of [undefined, [0, 2, 2, 1, 0, 3, 1]]) {
      const { a, q } = unaryOperands(3, 7, rows === undefined ? 7 : 4)
      a.data[1] = 0 // ln|a| clamped
      a.data[2] = -1e30 // saturated exp
      // a denominator sin(w₂a + c₂) inside the floor (both signs)
      const h = rows === undefined ? 3 : rows[3]!
      q.data[h * 12 + 10] = 0
      q.data[h * 12 + 11] = -1e-4
      const fused = unaryUnits(a, q, rows)
      expect(Array.from(fused.data)).toEqual(Array.from(composedUnary(a, q, rows).data))
    }
  })

  it("has the composed ops' gradients", () => {
    for (const [rows, zeroColumn] of [
      [undefined, undefined],
      [[0, 2, 2, 1, 0, 1], undefined],
      [[1, 1, 0, 2, 2, 0], 0],
      [[1, 1, 0, 2, 2, 0], 3]
    ] as const) {
      const n = 6
      const { a, q } = unaryOperands(5, n, rows === undefined ? n : 3)
      a.data[5] = 0
      const seed = seedOf(n, UNARY_COUNT, zeroColumn)
      const grads = (f: typeof composedUnary) => {
        for (const t of [a, q]) t.grad = null
        f(a, q, rows === undefined ? undefined : [...rows]).backward(seed)
        return [a, q].map((t) => Array.from(t.grad ?? []))
      }
      expectSameGradients(grads((x, t, r) => unaryUnits(x, t, r)), grads(composedUnary))
    }
  })

  it("passes a finite-difference check", () => {
    const direct = unaryOperands(7, 5, 5)
    expectGradientsMatch((a, q) => unaryUnits(a, q), [direct.a, direct.q])
    const table = unaryOperands(8, 8, 3)
    const rows = [2, 0, 0, 1, 2, 2, 1, 0]
    expectGradientsMatch((a, q) => T.sum(T.sliceCols(unaryUnits(T.scale(a, 1.5), q, rows), 1, 4)), [table.a, table.q])
  })

  it("rejects bad shapes and rows", () => {
    const { a, q } = unaryOperands(9, 3, 3)
    expect(() => unaryUnits(a, T.zeros(3, 10))).toThrow(RangeError)
    expect(() => unaryUnits(a, q, [0, 1, 3])).toThrow(RangeError)
  })
})

describe("lockedUnits", () => {
  const setup = (seed: number) => {
    const n = 16
    const { a, b, q } = operands(seed, n, 3)
    const r = unaryOperands(seed + 1, 1, 3).q
    a.data[3] = -1.5
    b.data[3] = 2
    a.data[7] = 0
    const rows = Array.from({ length: n }, (_, i) => (i * 7) % 3)
    const unit = Array.from({ length: n }, (_, i) => i % 8)
    return { a, b, q, r, rows, unit, n }
  }
  /** Column unit[i] of the full ops' outputs, row by row. */
  const selected = (a: T.Tensor, b: T.Tensor, q: T.Tensor, r: T.Tensor, rows: ReadonlyArray<number>, unit: ReadonlyArray<number>) =>
    T.rowDot(
      T.tensor(Array.from({ length: 8 }, (_, k) => Array.from({ length: 8 }, (_, j) => (j === k ? 1 : 0)))),
      unit,
      T.concatCols([arithmeticUnits(a, b, q, rows), unaryUnits(a, r, rows)]),
      undefined
    )

  it("is the locked unit's column of the full ops, bit for bit, with their gradients", () => {
    const { a, b, q, r, rows, unit, n } = setup(11)
    expect(Array.from(lockedUnits(a, b, q, r, rows, unit).data)).toEqual(Array.from(selected(a, b, q, r, rows, unit).data))
    const seed = seedOf(n, 1)
    const grads = (f: typeof selected) => {
      for (const t of [a, b, q, r]) t.grad = null
      f(a, b, q, r, rows, unit).backward(seed)
      return [a, b, q, r].map((t) => Array.from(t.grad ?? new Float64Array(t.size)))
    }
    expectSameGradients(grads(lockedUnits), grads(selected))
  })

  it("passes a finite-difference check", () => {
    const { a, b, q, r, rows, unit } = setup(12)
    a.data[7] = 0.7
    expectGradientsMatch((x, y, t, s) => lockedUnits(x, y, t, s, rows, unit), [a, b, q, r])
  })

  it("rejects units outside 0…7", () => {
    const { a, b, q, r, rows, unit } = setup(13)
    expect(() => lockedUnits(a, b, q, r, rows, unit.map((k) => k + 1))).toThrow(RangeError)
  })
})
