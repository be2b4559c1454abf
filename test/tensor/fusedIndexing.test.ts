/**
 * rowDot and gatherConcat (src/tensor/ops/fusedIndexing.ts) against the primitive ops
 * they fuse, and central finite differences; indices repeat, some rows are never read.
 */
import { describe, expect, it } from "vitest"
import * as T from "../../src/tensor/index.js"
import { expectClose, expectGradientsMatch, random, seeded } from "./helpers.js"

const grads = (inputs: ReadonlyArray<T.Tensor>, f: () => T.Tensor, seed: Float64Array) => {
  for (const t of inputs) t.grad = null
  f().backward(seed)
  return inputs.map((t) => Array.from(t.grad ?? new Float64Array(t.size)))
}
const seedOf = (n: number) => Float64Array.from({ length: n }, (_, i) => Math.cos(1 + 3 * i))

describe("rowDot", () => {
  it("equals sumCols(mul(gather(x, ix), gather(y, iy))), values and gradients", () => {
    const rng = seeded(21)
    const x = random(rng, 4, 3)
    const y = random(rng, 5, 3)
    const ix = [3, 0, 0, 2, 3, 1]
    const iy = [4, 4, 1, 0, 2, 2]
    const fused = () => T.rowDot(x, ix, y, iy)
    const plain = () => T.sumCols(T.mul(T.gather(x, ix), T.gather(y, iy)))
    expectClose(fused().data, plain().data, 14)
    const s = seedOf(6)
    grads([x, y], plain, s).forEach((g, k) => expectClose(grads([x, y], fused, s)[k]!, g, 14))
  })

  it("without indices is sumCols(mul(x, y)); one side indexed", () => {
    const rng = seeded(22)
    const x = random(rng, 5, 4)
    const y = random(rng, 5, 4)
    expectClose(T.rowDot(x, undefined, y, undefined).data, T.sumCols(T.mul(x, y)).data, 14)
    const table = random(rng, 3, 4)
    expectClose(T.rowDot(table, [2, 2, 0, 1, 0], y, undefined).data, T.sumCols(T.mul(T.gather(table, [2, 2, 0, 1, 0]), y)).data, 14)
  })

  it("passes a finite-difference check", () => {
    const rng = seeded(23)
    const x = random(rng, 4, 3)
    const y = random(rng, 5, 3)
    expectGradientsMatch((a, b) => T.rowDot(a, [3, 0, 0, 2, 3, 1], b, [4, 4, 1, 0, 2, 2]), [x, y])
    expectGradientsMatch((a, b) => T.rowDot(a, undefined, b, [0, 1, 1, 4]), [random(rng, 4, 3), y])
    expectGradientsMatch((a) => T.rowDot(a, [1, 2, 1], a, [2, 2, 0]), [x]) // the same tensor on both sides
  })

  it("rejects bad shapes and indices", () => {
    const rng = seeded(24)
    const x = random(rng, 4, 3)
    expect(() => T.rowDot(x, [0], random(rng, 1, 2), [0])).toThrow(RangeError)
    expect(() => T.rowDot(x, [4], x, [0])).toThrow(RangeError)
    expect(() => T.rowDot(x, [0, 1], x, [0])).toThrow(RangeError)
    expect(() => T.rowDot(x, undefined, random(rng, 3, 3), undefined)).toThrow(RangeError)
  })
})

describe("gatherConcat", () => {
  it("equals gather(concatRows(parts), idx), values and gradients", () => {
    const rng = seeded(31)
    const parts = [random(rng, 2, 3), random(rng, 1, 3), random(rng, 4, 3)]
    const idx = [6, 0, 2, 2, 5, 1, 6]
    const fused = () => T.gatherConcat(parts, idx)
    const plain = () => T.gather(T.concatRows(parts), idx)
    expectClose(fused().data, plain().data, 15)
    const s = seedOf(idx.length * 3)
    grads(parts, plain, s).forEach((g, k) => expectClose(grads(parts, fused, s)[k]!, g, 15))
  })

  it("passes a finite-difference check, with a constant part", () => {
    const rng = seeded(32)
    const constant = random(rng, 2, 2, { requiresGrad: false })
    expectGradientsMatch(
      (a, b) => T.gatherConcat([a, constant, b], [0, 5, 2, 3, 4, 4, 1]),
      [random(rng, 2, 2), random(rng, 3, 2)]
    )
  })

  it("rejects bad parts and indices", () => {
    const rng = seeded(33)
    expect(() => T.gatherConcat([], [0])).toThrow(RangeError)
    expect(() => T.gatherConcat([random(rng, 2, 2), random(rng, 2, 3)], [0])).toThrow(RangeError)
    expect(() => T.gatherConcat([random(rng, 2, 2)], [2])).toThrow(RangeError)
  })
})

describe("segmentSoftmaxPool", () => {
  const composed = (scores: T.Tensor, values: T.Tensor, idx: ReadonlyArray<number>, n: number, limit: number) => {
    const w = T.exp(T.clamp(scores, -limit, limit))
    const weights = T.div(w, T.gather(T.segmentSum(w, idx, n), idx))
    return T.segmentSum(T.mul(weights, values), idx, n)
  }

  it("equals the composed softmax pooling: values bit for bit, gradients to rounding", () => {
    const rng = seeded(41)
    const scores = random(rng, 9, 1, { lo: -3, hi: 3 })
    scores.data[4] = 60 // clamped: no gradient
    const values = random(rng, 9, 1)
    const idx = [0, 2, 2, 1, 0, 2, 1, 1, 0]
    const fused = () => T.segmentSoftmaxPool(scores, values, idx, 4, 50) // segment 3 is empty → 0
    const plain = () => composed(scores, values, idx, 4, 50)
    expect(Array.from(fused().data.subarray(0, 3))).toEqual(Array.from(plain().data.subarray(0, 3)))
    expect(fused().data[3]).toBe(0)
    const s = seedOf(4)
    const expected = grads([scores, values], plain, s)
    grads([scores, values], fused, s).forEach((g, k) => expectClose(g, expected[k]!, 14))
  })

  it("passes a finite-difference check", () => {
    const rng = seeded(42)
    expectGradientsMatch(
      (s, v) => T.segmentSoftmaxPool(s, v, [1, 0, 1, 1, 2, 0], 3, 50),
      [random(rng, 6, 1, { lo: -2, hi: 2 }), random(rng, 6, 1)]
    )
    // a small limit: scores outside it are clamped (kept away from the kinks)
    expectGradientsMatch(
      (s, v) => T.segmentSoftmaxPool(s, v, [0, 0, 1, 1, 1], 2, 1),
      [T.tensor([[0.3], [-1.7], [2.2], [0.5], [-0.4]], { requiresGrad: true }), random(rng, 5, 1)]
    )
  })

  it("rejects bad shapes and indices", () => {
    const rng = seeded(43)
    expect(() => T.segmentSoftmaxPool(random(rng, 3, 2), random(rng, 3, 1), [0, 0, 0], 1, 50)).toThrow(RangeError)
    expect(() => T.segmentSoftmaxPool(random(rng, 3, 1), random(rng, 2, 1), [0, 0, 0], 1, 50)).toThrow(RangeError)
    expect(() => T.segmentSoftmaxPool(random(rng, 3, 1), random(rng, 3, 1), [0, 1, 0], 1, 50)).toThrow(RangeError)
  })
})
