/**
 * A central finite-difference check for every differentiable op, on seeded random
 * inputs and several shapes (broadcasting, ragged matmul tiles, repeated indices).
 * Tolerances are gradCheck's defaults: eps 1e-6, rtol 1e-6, atol 1e-8.
 * Inputs keep a margin from kinks (relu, abs, clamp, …) and poles (log, div).
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as T from "../../src/tensor/index.js"
import { expectGradientsMatch, random, randomAwayFromZero, seeded, shapes } from "./helpers.js"

type Binary = (a: T.Tensor, b: T.Tensor) => T.Tensor

/** Operand shape pairs that broadcast to [r, c]. */
const broadcastPairs = (r: number, c: number): ReadonlyArray<readonly [readonly [number, number], readonly [number, number]]> => [
  [[r, c], [r, c]],
  [[r, c], [1, c]],
  [[r, c], [r, 1]],
  [[r, c], [1, 1]],
  [[1, c], [r, c]],
  [[r, 1], [1, c]],
  [[1, 1], [r, c]]
]

describe("gradients: elementwise arithmetic", () => {
  const binaries: ReadonlyArray<readonly [string, Binary]> = [
    ["add", T.add],
    ["sub", T.sub],
    ["mul", T.mul],
    ["div", T.div]
  ]
  for (const [name, op] of binaries) {
    it(`${name} with broadcasting`, () => {
      const rng = seeded(11)
      for (const [r, c] of [[3, 4], [1, 5], [4, 1], [2, 2]] as const) {
        for (const [sa, sb] of broadcastPairs(r, c)) {
          const a = random(rng, sa[0], sa[1])
          const b = name === "div" ? randomAwayFromZero(rng, sb[0], sb[1]) : random(rng, sb[0], sb[1])
          expectGradientsMatch(op, [a, b])
        }
      }
    })
  }

  it("binary ops on random shapes and seeds (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat(), (r, c, seed) => {
        const rng = seeded(seed)
        for (const [sa, sb] of broadcastPairs(r, c)) {
          const a = random(rng, sa[0], sa[1])
          const b = randomAwayFromZero(rng, sb[0], sb[1])
          expectGradientsMatch((x, y) => T.div(T.mul(T.add(x, y), T.sub(x, y)), y), [a, b])
        }
      }),
      { numRuns: 25 }
    )
  })

  it("the same tensor on both sides (a ⊙ a, a / a)", () => {
    const rng = seeded(12)
    const a = randomAwayFromZero(rng, 3, 2)
    expectGradientsMatch((x) => T.mul(x, x), [a])
    expectGradientsMatch((x) => T.add(T.div(x, x), T.sub(x, x)), [a])
  })

  it("neg, scale, addScalar, rsubScalar", () => {
    const rng = seeded(13)
    for (const [r, c] of shapes) {
      const x = random(rng, r, c)
      expectGradientsMatch(T.neg, [x])
      expectGradientsMatch((t) => T.scale(t, -2.5), [x])
      expectGradientsMatch((t) => T.addScalar(t, 3), [x])
      expectGradientsMatch((t) => T.rsubScalar(1, t), [x])
    }
  })
})

describe("gradients: elementwise functions", () => {
  const cases: ReadonlyArray<readonly [string, (x: T.Tensor) => T.Tensor, (rng: ReturnType<typeof seeded>, r: number, c: number) => T.Tensor]> = [
    ["exp", T.exp, (g, r, c) => random(g, r, c)],
    ["log", T.log, (g, r, c) => random(g, r, c, { lo: 0.3, hi: 3 })],
    ["logAbs", T.logAbs, (g, r, c) => randomAwayFromZero(g, r, c, 0.3, 3)],
    ["sin", T.sin, (g, r, c) => random(g, r, c, { lo: -4, hi: 4 })],
    ["cos", T.cos, (g, r, c) => random(g, r, c, { lo: -4, hi: 4 })],
    ["abs", T.abs, (g, r, c) => random(g, r, c, { avoid: [0] })],
    ["sqrt", T.sqrt, (g, r, c) => random(g, r, c, { lo: 0.2, hi: 4 })],
    ["pow 3", (x) => T.pow(x, 3), (g, r, c) => random(g, r, c)],
    ["pow −1.5", (x) => T.pow(x, -1.5), (g, r, c) => random(g, r, c, { lo: 0.5, hi: 3 })],
    ["pow 0.5", (x) => T.pow(x, 0.5), (g, r, c) => random(g, r, c, { lo: 0.5, hi: 3 })],
    ["pow 0", (x) => T.add(T.pow(x, 0), x), (g, r, c) => random(g, r, c)],
    ["square", T.square, (g, r, c) => random(g, r, c)],
    ["tanh", T.tanh, (g, r, c) => random(g, r, c, { lo: -3, hi: 3 })],
    ["sigmoid", T.sigmoid, (g, r, c) => random(g, r, c, { lo: -6, hi: 6 })],
    ["relu", T.relu, (g, r, c) => random(g, r, c, { avoid: [0] })],
    ["hardSigmoid", T.hardSigmoid, (g, r, c) => random(g, r, c, { lo: -3, hi: 3, avoid: [-2, 2] })],
    ["clamp", (x) => T.clamp(x, -0.5, 1), (g, r, c) => random(g, r, c, { avoid: [-0.5, 1] })],
    ["smoothL1 β=1", (x) => T.smoothL1(x), (g, r, c) => random(g, r, c, { lo: -3, hi: 3, avoid: [-1, 1] })],
    ["smoothL1 β=0.1", (x) => T.smoothL1(x, 0.1), (g, r, c) => random(g, r, c, { lo: -1, hi: 1, avoid: [-0.1, 0.1] })]
  ]
  for (const [name, op, draw] of cases) {
    it(name, () => {
      const rng = seeded(name.length * 31 + 5)
      for (const [r, c] of shapes) expectGradientsMatch(op, [draw(rng, r, c)])
    })
  }

  it("sign passes no gradient", () => {
    const x = random(seeded(3), 2, 3, { avoid: [0] })
    const s = T.sign(x)
    expect(s.requiresGrad).toBe(false)
    // d/dx (sign(x) ⊙ x) = sign(x) = d|x|/dx
    expectGradientsMatch((t) => T.mul(T.sign(t), t), [x])
  })
})

describe("gradients: reductions and softmax", () => {
  const cases: ReadonlyArray<readonly [string, (x: T.Tensor) => T.Tensor]> = [
    ["sum", T.sum],
    ["mean", T.mean],
    ["sumRows", T.sumRows],
    ["sumCols", T.sumCols],
    ["meanRows", T.meanRows],
    ["meanCols", T.meanCols],
    ["softmax", T.softmax],
    ["logSoftmax", T.logSoftmax],
    ["logSumExp", T.logSumExp]
  ]
  for (const [name, op] of cases) {
    it(name, () => {
      const rng = seeded(name.length * 17 + 1)
      for (const [r, c] of shapes) expectGradientsMatch(op, [random(rng, r, c, { lo: -3, hi: 3 })])
    })
  }

  it("softmax family with large logits stays exact (stability)", () => {
    const rng = seeded(99)
    const x = random(rng, 3, 5, { lo: 500, hi: 503 })
    expectGradientsMatch(T.softmax, [x])
    expectGradientsMatch(T.logSoftmax, [x])
    expectGradientsMatch(T.logSumExp, [x])
  })
})

describe("gradients: matrix products", () => {
  const dims: ReadonlyArray<readonly [number, number, number]> = [
    [1, 1, 1],
    [2, 3, 1],
    [4, 4, 4],
    [5, 7, 9],
    [8, 3, 6],
    [9, 12, 5]
  ]
  it("matmul a[n,k] · b[k,m]", () => {
    const rng = seeded(21)
    for (const [n, k, m] of dims) expectGradientsMatch(T.matmul, [random(rng, n, k), random(rng, k, m)])
  })
  it("matmulNT a[n,k] · b[m,k]ᵀ", () => {
    const rng = seeded(22)
    for (const [n, k, m] of dims) expectGradientsMatch(T.matmulNT, [random(rng, n, k), random(rng, m, k)])
  })
  it("matmulTN a[k,n]ᵀ · b[k,m]", () => {
    const rng = seeded(23)
    for (const [n, k, m] of dims) expectGradientsMatch(T.matmulTN, [random(rng, k, n), random(rng, k, m)])
  })
  it("x · xᵀ uses one input twice", () => {
    const x = random(seeded(24), 5, 6)
    expectGradientsMatch((t) => T.matmulNT(t, t), [x])
  })
})

describe("gradients: gather / scatter", () => {
  it("gather with repeated and unused rows", () => {
    const rng = seeded(31)
    const x = random(rng, 5, 3)
    expectGradientsMatch((t) => T.gather(t, [4, 0, 0, 2, 4, 4]), [x])
    expectGradientsMatch((t) => T.gather(t, Int32Array.of(1)), [x])
  })

  it("segmentSum with repeated, empty segments", () => {
    const rng = seeded(32)
    const x = random(rng, 6, 2)
    expectGradientsMatch((t) => T.segmentSum(t, [3, 0, 3, 3, 1, 0], 5), [x])
  })

  it("scatterAdd into a base", () => {
    const rng = seeded(33)
    const base = random(rng, 4, 3)
    const src = random(rng, 5, 3)
    expectGradientsMatch((b, s) => T.scatterAdd(b, Int32Array.of(2, 2, 0, 3, 2), s), [base, src])
  })

  it("random gather → compute → scatter rounds (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 9 }),
        fc.nat(),
        (cols, raw, seed) => {
          const rng = seeded(seed)
          const n = 6
          const x = random(rng, n, cols)
          const w = random(rng, cols, cols)
          expectGradientsMatch((t, u) => T.segmentSum(T.tanh(T.matmul(T.gather(t, raw), u)), raw, n), [x, w])
        }
      ),
      { numRuns: 25 }
    )
  })
})

describe("gradients: shape ops and where", () => {
  it("concatCols, sliceCols", () => {
    const rng = seeded(41)
    const a = random(rng, 3, 2)
    const b = random(rng, 3, 1)
    const c = random(rng, 3, 4)
    expectGradientsMatch((x, y, z) => T.concatCols([x, y, z]), [a, b, c])
    expectGradientsMatch((z) => T.sliceCols(z, 1, 3), [c])
    expectGradientsMatch((x) => T.concatCols([x, x]), [a])
  })

  it("concatRows, sliceRows, transpose, reshape", () => {
    const rng = seeded(42)
    const a = random(rng, 2, 3)
    const b = random(rng, 4, 3)
    expectGradientsMatch((x, y) => T.concatRows([x, y]), [a, b])
    expectGradientsMatch((y) => T.sliceRows(y, 1, 3), [b])
    expectGradientsMatch(T.transpose, [b])
    expectGradientsMatch((y) => T.reshape(y, 6, 2), [b])
  })

  it("where with a constant mask, with broadcasting", () => {
    const rng = seeded(43)
    const a = random(rng, 3, 4)
    const b = random(rng, 1, 4)
    const mask = [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0]
    expectGradientsMatch((x, y) => T.where(mask, x, y), [a, b])
    const boolMask = mask.map((m) => m === 0)
    expectGradientsMatch((x, y) => T.where(boolMask, y, x), [a, b])
  })
})

describe("gradients: composites", () => {
  it("losses", () => {
    const rng = seeded(51)
    const p = random(rng, 4, 2, { lo: -3, hi: 3 })
    const t = random(rng, 4, 2, { lo: -3, hi: 3, requiresGrad: false })
    for (let i = 0; i < p.size; i++) if (Math.abs(Math.abs(p.data[i]! - t.data[i]!) - 1) < 1e-3) p.data[i]! += 0.01
    expectGradientsMatch((x) => T.smoothL1Loss(x, t), [p])
    expectGradientsMatch((x) => T.mseLoss(x, t), [p])
  })

  it("Linear layer (weight and bias)", () => {
    const rng = seeded(52)
    const layer = new T.Linear(5, 3, rng)
    const x = random(rng, 6, 5)
    expectGradientsMatch((input, w, b) => T.add(T.matmulNT(input, w), b), [x, layer.weight, layer.bias!])
  })

  it("an op-conditioned cell: gated NAU / NMU / power paths", () => {
    // value = Σ_k g_k · path_k with g = softmax(e·G); gates m = hardSigmoid(e·M)
    const rng = seeded(53)
    const a = randomAwayFromZero(rng, 6, 1, 0.5, 3)
    const b = randomAwayFromZero(rng, 6, 1, 0.5, 3)
    const e = random(rng, 6, 4)
    const G = random(rng, 4, 3)
    const M = random(rng, 4, 2, { lo: -0.3, hi: 0.3 })
    const W = random(rng, 4, 2)
    const P = random(rng, 4, 2, { lo: -0.5, hi: 0.5 })
    const cell = (a: T.Tensor, b: T.Tensor, e: T.Tensor, G: T.Tensor, M: T.Tensor, W: T.Tensor, P: T.Tensor) => {
      const ab = T.concatCols([a, b])
      const additive = T.sumCols(T.mul(T.matmul(e, W), ab))
      const m = T.hardSigmoid(T.matmul(e, M))
      const multiplicative = T.sumCols(T.logAbs(T.rsubScalar(1, T.mul(m, T.rsubScalar(1, ab)))))
      const power = T.exp(T.sumCols(T.mul(T.matmul(e, P), T.logAbs(ab))))
      const paths = T.concatCols([additive, T.exp(multiplicative), power])
      return T.sumCols(T.mul(T.softmax(T.matmul(e, G)), paths))
    }
    expectGradientsMatch(cell, [a, b, e, G, M, W, P])
  })
})
