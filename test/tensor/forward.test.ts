/** Forward values against numbers worked out by hand. */
import { describe, expect, it } from "vitest"
import * as T from "../../src/tensor/index.js"
import { expectClose } from "./helpers.js"

const m23 = () => T.tensor([[1, 2, 3], [4, 5, 6]])

describe("forward: arithmetic and broadcasting", () => {
  it("same shape", () => {
    const a = m23()
    const b = T.tensor([[6, 5, 4], [3, 2, 1]])
    expectClose(T.add(a, b).data, [7, 7, 7, 7, 7, 7])
    expectClose(T.sub(a, b).data, [-5, -3, -1, 1, 3, 5])
    expectClose(T.mul(a, b).data, [6, 10, 12, 12, 10, 6])
    expectClose(T.div(a, b).data, [1 / 6, 2 / 5, 3 / 4, 4 / 3, 5 / 2, 6])
  })

  it("row [1,c], column [r,1] and scalar operands", () => {
    const a = m23()
    expect(T.add(a, T.row([10, 20, 30])).toArray()).toEqual([[11, 22, 33], [14, 25, 36]])
    expect(T.mul(a, T.column([2, -1])).toArray()).toEqual([[2, 4, 6], [-4, -5, -6]])
    expect(T.sub(T.scalar(1), a).toArray()).toEqual([[0, -1, -2], [-3, -4, -5]])
    expect(T.add(T.column([1, 2]), T.row([10, 20, 30])).toArray()).toEqual([[11, 21, 31], [12, 22, 32]])
    expect(T.add(a, T.row([1, 2, 3])).shape).toEqual([2, 3])
  })

  it("refuses shapes that do not broadcast", () => {
    expect(() => T.add(m23(), T.tensor([[1, 2], [3, 4]]))).toThrow(/do not broadcast/)
    expect(() => T.matmul(m23(), m23())).toThrow(/do not multiply/)
  })

  it("neg, scale, addScalar, rsubScalar", () => {
    expectClose(T.neg(m23()).data, [-1, -2, -3, -4, -5, -6])
    expectClose(T.scale(m23(), 0.5).data, [0.5, 1, 1.5, 2, 2.5, 3])
    expectClose(T.addScalar(m23(), -1).data, [0, 1, 2, 3, 4, 5])
    expectClose(T.rsubScalar(1, m23()).data, [0, -1, -2, -3, -4, -5])
  })
})

describe("forward: elementwise functions", () => {
  const x = () => T.row([-2, -0.5, 0, 0.5, 2])
  it("exp, log, logAbs, sqrt, pow, square", () => {
    expectClose(T.exp(T.row([0, 1, -1])).data, [1, Math.E, 1 / Math.E])
    expectClose(T.log(T.row([1, Math.E, 0.5])).data, [0, 1, -Math.LN2])
    expectClose(T.logAbs(T.row([-Math.E, 1, -0.5])).data, [1, 0, -Math.LN2])
    expectClose(T.sqrt(T.row([4, 2.25, 0])).data, [2, 1.5, 0])
    expectClose(T.pow(T.row([2, -3, 4]), 3).data, [8, -27, 64])
    expectClose(T.pow(T.row([4, 0.25]), -0.5).data, [0.5, 2])
    expectClose(T.square(x()).data, [4, 0.25, 0, 0.25, 4])
  })

  it("sin, cos, abs, sign", () => {
    expectClose(T.sin(T.row([0, Math.PI / 2, Math.PI / 6])).data, [0, 1, 0.5])
    expectClose(T.cos(T.row([0, Math.PI, Math.PI / 3])).data, [1, -1, 0.5])
    expectClose(T.abs(x()).data, [2, 0.5, 0, 0.5, 2])
    expectClose(T.sign(x()).data, [-1, -1, 0, 1, 1])
  })

  it("tanh, sigmoid, relu, hardSigmoid, clamp", () => {
    expectClose(T.tanh(T.row([0, Math.log(2)])).data, [0, 3 / 5]) // tanh(ln 2) = (2 − ½)/(2 + ½)
    expectClose(T.sigmoid(T.row([0, Math.log(3), -Math.log(3)])).data, [0.5, 0.75, 0.25])
    expectClose(T.sigmoid(T.row([-800, 800])).data, [0, 1]) // no overflow to NaN
    expectClose(T.relu(x()).data, [0, 0, 0, 0.5, 2])
    // clamp(0.5 + z/4, 0, 1): exactly 0 and 1 beyond |z| = 2
    expectClose(T.hardSigmoid(T.row([-3, -2, -1, 0, 1, 2, 3])).data, [0, 0, 0.25, 0.5, 0.75, 1, 1])
    expectClose(T.clamp(x(), -1, 0.25).data, [-1, -0.5, 0, 0.25, 0.25])
  })

  it("smoothL1 (β = 1 and β = 0.5) and losses", () => {
    // |x| < β: ½x²/β; else |x| − β/2
    expectClose(T.smoothL1(x()).data, [1.5, 0.125, 0, 0.125, 1.5])
    expectClose(T.smoothL1(x(), 0.5).data, [1.75, 0.25, 0, 0.25, 1.75])
    const p = T.row([1, 2, 4])
    const t = T.row([1, 0, 3.5])
    expect(T.smoothL1Loss(p, t).item()).toBeCloseTo((0 + 1.5 + 0.125) / 3, 14)
    expect(T.mseLoss(p, t).item()).toBeCloseTo((0 + 4 + 0.25) / 3, 14)
  })
})

describe("forward: reductions, softmax, products", () => {
  it("sum, mean, sumRows, sumCols, meanRows, meanCols", () => {
    expect(T.sum(m23()).item()).toBe(21)
    expect(T.mean(m23()).item()).toBe(3.5)
    expect(T.sumRows(m23()).toArray()).toEqual([[5, 7, 9]])
    expect(T.sumCols(m23()).toArray()).toEqual([[6], [15]])
    expect(T.meanRows(m23()).toArray()).toEqual([[2.5, 3.5, 4.5]])
    expect(T.meanCols(m23()).toArray()).toEqual([[2], [5]])
  })

  it("softmax, logSoftmax, logSumExp", () => {
    const x = T.tensor([[0, Math.log(3)], [1000, 1000]])
    expectClose(T.softmax(x).data, [0.25, 0.75, 0.5, 0.5])
    expectClose(T.logSoftmax(x).data, [Math.log(0.25), Math.log(0.75), -Math.LN2, -Math.LN2])
    expectClose(T.logSumExp(x).data, [Math.log(4), 1000 + Math.LN2])
    expect(T.logSumExp(x).shape).toEqual([2, 1])
  })

  it("matmul, matmulNT, matmulTN", () => {
    const a = m23() // [2,3]
    const b = T.tensor([[1, 0], [0, 1], [2, -1]]) // [3,2]
    // [1·1 + 2·0 + 3·2, 1·0 + 2·1 + 3·(−1)] = [7, −1]; [4 + 12, 5 − 6] = [16, −1]
    expect(T.matmul(a, b).toArray()).toEqual([[7, -1], [16, -1]])
    expect(T.matmulNT(a, T.transpose(b)).toArray()).toEqual([[7, -1], [16, -1]])
    expect(T.matmulTN(T.transpose(a), b).toArray()).toEqual([[7, -1], [16, -1]])
    // a · aᵀ = [[14, 32], [32, 77]]
    expect(T.matmulNT(a, a).toArray()).toEqual([[14, 32], [32, 77]])
  })

  it("the tiled kernel agrees with a naive product on ragged sizes", () => {
    for (const [n, k, m] of [[4, 4, 4], [5, 3, 9], [9, 17, 6], [13, 1, 7]] as const) {
      const a = T.tensor(Array.from({ length: n * k }, (_, i) => Math.sin(i + 1)), [n, k])
      const b = T.tensor(Array.from({ length: k * m }, (_, i) => Math.cos(2 * i)), [k, m])
      const expected: Array<number> = []
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0
          for (let p = 0; p < k; p++) s += a.get(i, p) * b.get(p, j)
          expected.push(s)
        }
      }
      expectClose(T.matmul(a, b).data, expected, 12)
      expectClose(T.matmulNT(a, T.transpose(b)).data, expected, 12)
      expectClose(T.matmulTN(T.transpose(a), b).data, expected, 12)
    }
  })
})

describe("forward: indexing and shape ops", () => {
  it("gather, segmentSum, scatterAdd", () => {
    const x = T.tensor([[1, 2], [3, 4], [5, 6]])
    expect(T.gather(x, [2, 0, 2]).toArray()).toEqual([[5, 6], [1, 2], [5, 6]])
    expect(T.segmentSum(x, [1, 1, 3], 4).toArray()).toEqual([[0, 0], [4, 6], [0, 0], [5, 6]])
    expect(T.scatterAdd(T.ones(2, 2), [0, 0, 1], x).toArray()).toEqual([[5, 7], [6, 7]])
    expect(() => T.gather(x, [3])).toThrow(/outside/)
    expect(() => T.segmentSum(x, [0, 1], 2)).toThrow(/indices/)
  })

  it("concat, slice, transpose, reshape", () => {
    const a = T.tensor([[1, 2], [3, 4]])
    const b = T.column([5, 6])
    expect(T.concatCols([a, b]).toArray()).toEqual([[1, 2, 5], [3, 4, 6]])
    expect(T.sliceCols(T.concatCols([a, b]), 1, 3).toArray()).toEqual([[2, 5], [4, 6]])
    expect(T.concatRows([a, T.row([7, 8])]).toArray()).toEqual([[1, 2], [3, 4], [7, 8]])
    expect(T.sliceRows(a, 1, 2).toArray()).toEqual([[3, 4]])
    expect(T.transpose(a).toArray()).toEqual([[1, 3], [2, 4]])
    expect(T.reshape(a, 1, 4).toArray()).toEqual([[1, 2, 3, 4]])
  })

  it("where", () => {
    const a = T.tensor([[1, 2], [3, 4]])
    expect(T.where([1, 0, 0, 1], a, T.scalar(-1)).toArray()).toEqual([[1, -1], [-1, 4]])
    expect(T.where([true, false, true, false], T.row([9, 8]), a).toArray()).toEqual([[9, 2], [9, 4]])
  })
})
