/**
 * The structural loss (src/layers/loss/Structural.ts): exactly 0 at the target, > 0
 * elsewhere, decreasing towards the target, gradients against finite differences, and
 * its relation to the exact GED metric at one-hot predictions (docs/loss.md).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { labelNumber, toGraph } from "../../src/domain/Graph.js"
import { defaultGedCosts, ged, type GedCosts } from "../../src/domain/ged/index.js"
import { Rng } from "../../src/domain/Random.js"
import {
  decodeGraph,
  defaultVocabulary,
  encodeGraph,
  numberLabel,
  structuralLoss,
  structuralTerms,
  type StructuralTerms,
  vocabulary
} from "../../src/layers/loss/index.js"
import { defaultLossWeights, type LossWeights, type SoftGraph } from "../../src/services/Loss.js"
import * as Adam from "../../src/layers/optimizers/Adam.js"
import * as T from "../../src/tensor/index.js"
import { graph, noisy, oneHot, randomExpr, randomLayout, smallVocabulary, withTensors } from "./support.js"

const examples = [
  "(+ 1 2)",
  "x",
  "7",
  "(* 2 (sin x))",
  "(+ (* x 2) x)",
  "(- (^ x 3) (* 2 y) 5)",
  "(/ (exp (- x)) (+ x y z))",
  "(+ (* 3 (^ x 2)) (* -2 x) 1.5 1/3)"
]

/** Whether slot s is a node of the top-1 graph the alignment started from. */
const isTopSlot = (t: StructuralTerms, s: number): boolean => t.alignment.decodedSlots.includes(s)

const value = (s: SoftGraph, target: string | ReturnType<typeof graph>, w: LossWeights = defaultLossWeights): number =>
  structuralLoss(s, typeof target === "string" ? graph(target) : target, w).item()

describe("structural loss: zero exactly at the target", () => {
  it("is 0.0 for a one-hot prediction of the target, whatever the slot order and spare slots", () => {
    const rng = Rng.seeded(1)
    for (const text of examples) {
      const g = graph(text)
      for (let trial = 0; trial < 3; trial++) {
        const s = oneHot(g, randomLayout(rng, g, trial))
        assert.strictEqual(value(s, g), 0, text)
      }
    }
    for (let i = 0; i < 40; i++) {
      const g = toGraph(randomExpr(rng, { depth: 4 }))
      const s = oneHot(g, randomLayout(rng, g, rng.int(0, 3)))
      const terms = structuralTerms(s, g)
      assert.strictEqual(terms.total, 0)
      assert.strictEqual(terms.alignment.method, "identical")
    }
  })

  it("is 0.0 for targets far above the exact-search limit (the top-1 graph is recognised as the target)", () => {
    const rng = Rng.seeded(2)
    const g = toGraph(randomExpr(rng, { depth: 6, leafProbability: 0 }))
    assert.isAbove(g.nodes.length, 30)
    assert.strictEqual(value(oneHot(g, randomLayout(rng, g, 5)), g), 0)
  })

  it("is > 0 when anything differs: a label, a number, an edge, a spare slot, an existence", () => {
    const g = graph("(+ (* 2 x) y)")
    const layout = { slots: 6, positions: 2, slotOf: [0, 1, 2, 3, 4] }
    const nudge = (f: (s: SoftGraph) => void): number => {
      const s = oneHot(g, layout)
      f(s)
      return value(s, g)
    }
    const K = defaultVocabulary.labels.length
    const ops = defaultVocabulary.index
    // a little probability on a wrong label
    assert.isAbove(nudge((s) => {
      s.labels.data[0 * K + ops.get("o:+")!] = 0.9
      s.labels.data[0 * K + ops.get("o:*")!] = 0.1
    }), 0)
    // the number slightly off
    assert.isAbove(nudge((s) => void (s.values.data[2] = 2.0001)), 0)
    // an edge slightly uncertain, a spurious edge, a spare slot that might exist, a node that might not
    assert.isAbove(nudge((s) => void (s.edges.data[1 * 12 + 0 * 2 + 0] = 0.99)), 0)
    assert.isAbove(nudge((s) => void (s.edges.data[4 * 12 + 2 * 2 + 1] = 0.01)), 0)
    assert.isAbove(nudge((s) => void (s.existence.data[5] = 0.01)), 0)
    assert.isAbove(nudge((s) => void (s.existence.data[3] = 0.99)), 0)
    // and the one-hot prediction of another expression
    for (const other of ["(+ (* 2 x) z)", "(+ (* 3 x) y)", "(+ y (* 2 x))", "(+ (* 2 x) y 1)", "(* 2 x)"])
      assert.isAbove(value(oneHot(graph(other), { slots: 7, positions: 3, slotOf: [...graph(other).nodes.keys()] }), g), 0, other)
  })

  it("prices a label outside the vocabulary as a relabel and never reaches 0 on it", () => {
    const v = vocabulary([{ kind: "Number" }, { kind: "Operator", op: "+" }, { kind: "Symbol", name: "x" }])
    const s = encodeGraph(graph("(+ x 1)"), v)
    assert.strictEqual(value(s, "(+ x 1)"), 0)
    // target (+ y 1): y is not in the vocabulary
    const t = structuralTerms(s, graph("(+ y 1)"), { ...defaultLossWeights, cliqueWeight: 0 })
    assert.strictEqual(t.total, 1)
  })
})

describe("structural loss: the terms, by hand", () => {
  it("(sin x) against a soft prediction: nodes, edges (kept, moved, spurious), clique", () => {
    const v = vocabulary([{ kind: "Function", fn: "sin" }, { kind: "Symbol", name: "x" }, { kind: "Number" }])
    // slot 0: sin 0.8 | x 0.2, exists; slot 1: x 0.9, exists with 0.7.
    // edges [2, 2·2]: row = child, column = parent·2 + position.
    //   0 → 1 at position 0: 0.6 (the target edge), at position 1: 0.3; 1 → 0 at position 0: 0.1
    const s: SoftGraph = {
      vocabulary: v,
      labels: T.tensor([[0.8, 0.2, 0], [0.1, 0.9, 0]]),
      values: T.column([0, 0]),
      existence: T.column([1, 0.7]),
      edges: T.tensor([[0, 0, 0.1, 0], [0.6, 0.3, 0, 0]])
    }
    const t = structuralTerms(s, graph("(sin x)"))
    assert.strictEqual(t.alignment.method, "identical")
    // nodes: relabel·(1 − 0.8) + relabel·(1 − 0.9) + insertion·(1 − 0.7)
    assert.approximately(t.nodes, 0.2 + 0.1 + 0.3, 1e-12)
    // target edge: ed·0.3 + ei·(1 − 0.6) − erel·(1 − 0.6)·(1 − (1 − 0.3)); spurious 1 → 0: ed·0.1
    assert.approximately(t.edges, 0.5 * 0.3 + 0.5 * 0.4 - 0.5 * 0.4 * 0.3 + 0.5 * 0.1, 1e-12)
    // clique of sin (its group: sin, x and the edge at position 0): 2·(1 − 1·0.8 · 0.7·0.9 · 0.6)
    assert.approximately(t.clique, 2 * (1 - 0.8 * 0.7 * 0.9 * 0.6), 1e-12)
    assert.approximately(t.total, t.nodes + t.edges + t.clique, 1e-12)
  })
})

describe("structural loss: moving towards the target lowers it", () => {
  it("decreases strictly along the path from a noisy prediction to the target", () => {
    const rng = Rng.seeded(3)
    for (let i = 0; i < 10; i++) {
      const g = toGraph(randomExpr(rng))
      const layout = randomLayout(rng, g)
      const noise = noisy(rng, g, layout, 1, { fixExistence: true, valueNoise: 0.5 })
      const target = oneHot(g, layout)
      const at = (alpha: number): number => {
        const lerp = (a: T.Tensor, b: T.Tensor) =>
          new T.Tensor(Float64Array.from(a.data, (x, j) => (1 - alpha) * x + alpha * b.data[j]!), a.rows, a.cols)
        return value(
          withTensors(target, lerp(noise.labels, target.labels), lerp(noise.values, target.values), target.existence, lerp(noise.edges, target.edges)),
          g
        )
      }
      const path = [0.55, 0.7, 0.85, 0.95, 0.99, 1].map(at)
      for (let k = 1; k < path.length; k++) assert.isBelow(path[k]!, path[k - 1]!, `step ${k}: ${path.join(", ")}`)
      assert.strictEqual(path[path.length - 1], 0)
    }
  })

  it("a small step against the gradient lowers it (random soft graphs)", () => {
    const rng = Rng.seeded(4)
    for (let i = 0; i < 10; i++) {
      const g = toGraph(randomExpr(rng))
      const s = noisy(rng, g, randomLayout(rng, g), rng.uniform(0.1, 0.9))
      const before = structuralLoss(s, g)
      before.backward()
      const step = 1e-4
      const moved = withTensors(
        s,
        ...([s.labels, s.values, s.existence, s.edges].map((t) =>
          new T.Tensor(Float64Array.from(t.data, (x, j) => x - step * t.grad![j]!), t.rows, t.cols)
        ) as [T.Tensor, T.Tensor, T.Tensor, T.Tensor])
      )
      assert.isBelow(value(moved, g), before.item())
    }
  })

  it.effect("Adam on logits reaches the target from a random start", () =>
    Effect.gen(function* () {
      const rng = Rng.seeded(5)
      for (const text of ["(+ (* 2 x) y)", "(sin (- x 3))", "(* x (+ y 1) z)"]) {
        const g = graph(text)
        const n = g.nodes.length + 2
        const P = 3
        const K = smallVocabulary.labels.length
        const param = (rows: number, cols: number, scale: number) =>
          new T.Parameter(Float64Array.from({ length: rows * cols }, () => rng.uniform(-scale, scale)), rows, cols)
        const labelLogits = param(n, K, 0.5)
        const values = param(n, 1, 2)
        const existLogits = param(n, 1, 0.5)
        const edgeLogits = param(n, n * P, 0.5)
        const soft = (): SoftGraph => ({
          vocabulary: smallVocabulary,
          labels: T.softmax(labelLogits),
          values,
          existence: T.sigmoid(existLogits),
          edges: T.sigmoid(edgeLogits)
        })
        const optimizer = yield* Adam.make([labelLogits, values, existLogits, edgeLogits], { learningRate: 0.1, weightDecay: 0 })
        const start = value(soft(), g)
        for (let step = 0; step < 200; step++) {
          optimizer.zeroGrad()
          structuralLoss(soft(), g).backward()
          optimizer.step()
        }
        const end = value(soft(), g)
        assert.isBelow(end, 0.02 * start, `${text}: ${start} → ${end}`)
        // The top-1 graph is the target, its numbers within 0.1 (Adam's steps on the values are 0.1 wide).
        const top = decodeGraph(soft()).graph
        const snapped = {
          nodes: top.nodes.map((l) => (l.kind === "Float" || l.kind === "Integer" ? numberLabel(Math.round(labelNumber(l)! * 10) / 10) : l)),
          edges: top.edges
        }
        assert.strictEqual(ged(snapped, g).distance, 0, `${text}: top-1 graph is the target`)
      }
    }))
})

describe("structural loss: gradients match finite differences", () => {
  const check = (s: SoftGraph, g: ReturnType<typeof graph>, w: LossWeights = defaultLossWeights) => {
    const r = T.gradCheck(
      (L, V, X, E) => structuralLoss(withTensors(s, L!, V!, X!, E!), g, w),
      [s.labels, s.values, s.existence, s.edges],
      { eps: 1e-6, rtol: 1e-5, atol: 1e-7 }
    )
    assert.isTrue(r.ok, `worst ${r.worst} at ${JSON.stringify(r.at)}`)
  }

  it("near the target (top-1 graph = target) and with asymmetric weights", () => {
    const rng = Rng.seeded(6)
    for (let i = 0; i < 6; i++) {
      const g = toGraph(randomExpr(rng))
      const w: LossWeights = i % 2 === 0 ? defaultLossWeights : {
        nodeInsertion: rng.uniform(0.5, 2),
        nodeDeletion: rng.uniform(0.5, 2),
        edgeInsertion: rng.uniform(0.2, 1),
        edgeDeletion: rng.uniform(0.2, 1),
        cliqueWeight: rng.uniform(0.5, 3)
      }
      check(noisy(rng, g, randomLayout(rng, g), rng.uniform(0.05, 0.45), { v: smallVocabulary }), g, w)
    }
  })

  it("far from the target (random soft graphs, other graphs' structure)", () => {
    const rng = Rng.seeded(7)
    for (let i = 0; i < 6; i++) {
      const target = toGraph(randomExpr(rng))
      const other = toGraph(randomExpr(rng))
      const s = noisy(rng, other, randomLayout(rng, other, rng.int(0, 3)), rng.uniform(0.3, 1), { v: smallVocabulary })
      check(s, target)
    }
  })

  it("through softmax and sigmoid parametrisations", () => {
    const rng = Rng.seeded(8)
    const g = graph("(+ (* 2 x) (sin y) 3)")
    const n = g.nodes.length + 1
    const P = 3
    const K = smallVocabulary.labels.length
    const param = (rows: number, cols: number) =>
      new T.Tensor(Float64Array.from({ length: rows * cols }, () => rng.uniform(-1.5, 1.5)), rows, cols, true)
    const r = T.gradCheck(
      (a, v, x, e) =>
        structuralLoss(
          { vocabulary: smallVocabulary, labels: T.softmax(a!), values: v!, existence: T.sigmoid(x!), edges: T.sigmoid(e!) },
          g
        ),
      [param(n, K), param(n, 1), param(n, 1), param(n, n * P)],
      { eps: 1e-6, rtol: 1e-5, atol: 1e-7 }
    )
    assert.isTrue(r.ok, `worst ${r.worst} at ${JSON.stringify(r.at)}`)
  })
})

describe("structural loss vs the exact GED metric at one-hot predictions", () => {
  const exactAlign = { exactLimit: 12, maxExpansions: 1_000_000 }

  it("without the clique term and spare slots it equals the graph edit distance (the alignment is an optimal edit mapping)", () => {
    const rng = Rng.seeded(9)
    let checked = 0
    while (checked < 40) {
      // One number value only: numbers then match exactly or not at all (docs/loss.md).
      const a = toGraph(randomExpr(rng, { numbers: [2] }))
      const b = toGraph(randomExpr(rng, { numbers: [2] }))
      if (a.nodes.length > 9 || b.nodes.length > 9) continue
      const costs: GedCosts = checked % 2 === 0 ? defaultGedCosts : {
        nodeInsertion: rng.int(1, 4) / 2,
        nodeDeletion: rng.int(1, 4) / 2,
        edgeInsertion: rng.int(1, 4) / 4,
        edgeDeletion: rng.int(1, 4) / 4
      }
      const metric = ged(a, b, costs, { exactLimit: 12, maxExpansions: 1_000_000 })
      assert.strictEqual(metric.method, "exact")
      const s = oneHot(a, randomLayout(rng, a, 0))
      const t = structuralTerms(s, b, { ...costs, cliqueWeight: 0 }, exactAlign)
      assert.include(["identical", "exact"], t.alignment.method)
      assert.strictEqual(t.total, metric.distance)
      checked++
    }
  })

  it("with spare slots it adds one relabel per node the top-1 graph lacks (a spare slot is taught that label)", () => {
    const rng = Rng.seeded(11)
    let total = 0
    for (let i = 0; i < 30; i++) {
      const a = toGraph(randomExpr(rng, { numbers: [2] }))
      const b = toGraph(randomExpr(rng, { numbers: [2] }))
      if (a.nodes.length > 9 || b.nodes.length > 9) continue
      const spare = rng.int(1, 3)
      const t = structuralTerms(oneHot(a, randomLayout(rng, a, spare)), b, { ...defaultLossWeights, cliqueWeight: 0 }, exactAlign)
      const metric = ged(a, b, defaultGedCosts, exactAlign)
      const taught = Array.from(t.alignment.slotOf).filter((s) => s >= 0 && !isTopSlot(t, s)).length
      const relabel = (defaultLossWeights.nodeInsertion + defaultLossWeights.nodeDeletion) / 2
      assert.strictEqual(t.total, metric.distance + relabel * taught, `${i}`)
      total += taught
    }
    assert.isAbove(total, 5)
  })

  it("with the clique term it adds clique_weight per internal target node whose sibling group is not reproduced", () => {
    const cases: ReadonlyArray<readonly [string, string, number, number]> = [
      // prediction, target, GED, internal target nodes not reproduced
      ["(+ 1 2)", "(+ 1 2)", 0, 0],
      ["(sin (cos x))", "(sin x)", 2.5, 1],
      ["(+ (* x 2) x)", "(+ x (* x 2))", 1, 2],
      ["(+ x y)", "(* x y z)", 2.5, 1],
      ["(+ (* 2 x) y)", "(+ (* 2 x) z)", 1, 1],
      ["(+ (* 2 x) (sin y))", "(+ (* 2 x) (sin z))", 1, 1]
    ]
    for (const [p, t, d, groups] of cases) {
      const a = graph(p)
      const terms = structuralTerms(encodeGraph(a, defaultVocabulary, { positions: 3 }), graph(t))
      assert.strictEqual(terms.total - terms.clique, d, `${p} vs ${t}`)
      assert.strictEqual(terms.clique, defaultLossWeights.cliqueWeight * groups, `${p} vs ${t}`)
    }
  })

  it("is never below the metric", () => {
    const rng = Rng.seeded(10)
    for (let i = 0; i < 30; i++) {
      const a = toGraph(randomExpr(rng))
      const b = toGraph(randomExpr(rng))
      const t = structuralTerms(oneHot(a, randomLayout(rng, a, rng.int(0, 2))), b)
      assert.isAtLeast(t.total, ged(a, b).distance)
    }
  })
})
