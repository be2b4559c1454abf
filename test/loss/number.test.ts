/**
 * The number loss: the node-relabel term of a one-node graph, a smooth function of the
 * relative error that is 0 iff the numbers are equal — the brain's own root term, and
 * what the structural loss gives for a one-slot Number prediction.
 */
import { assert, describe, it } from "@effect/vitest"
import { Rng } from "../../src/domain/Random.js"
import type { BrainForward } from "../../src/layers/brain/ArithmeticBrain.js"
import { numericObjective } from "../../src/layers/brain/objective.js"
import { numberGraph, numberLoss, relativeBeta, structuralLoss } from "../../src/layers/loss/index.js"
import { defaultLossWeights, type LossWeights } from "../../src/services/Loss.js"
import * as T from "../../src/tensor/index.js"
import { graph } from "./support.js"

const targets = Float64Array.of(0, 1, -3, 2.5, 1000, -0.001, 1 / 3)

describe("number loss", () => {
  it("is 0 exactly when the prediction equals the target, > 0 otherwise", () => {
    const exact = numberLoss(T.column(targets), targets)
    assert.deepStrictEqual(Array.from(exact.data), Array.from(targets, () => 0))
    for (const delta of [1e-12, 1e-6, -1e-3, 0.5, -40]) {
      const off = numberLoss(T.column(targets.map((y) => y + delta)), targets)
      for (const x of off.data) assert.isAbove(x, 0, `delta ${delta}`)
    }
  })

  it("is relabel · smoothL1(relative error, β): linear far away, quadratic inside β", () => {
    const w: LossWeights = { ...defaultLossWeights, nodeInsertion: 3, nodeDeletion: 1 } // relabel 2
    const l = numberLoss(T.column([12, 1000 + 0.5, 2 + 2e-5]), Float64Array.of(2, 1000, 2), w).data
    assert.approximately(l[0]!, 2 * (10 / 2 - relativeBeta / 2), 1e-12)
    assert.approximately(l[1]!, 2 * (0.5 / 1000 - relativeBeta / 2), 1e-12)
    assert.approximately(l[2]!, 2 * ((1e-5) ** 2 / (2 * relativeBeta)), 1e-15)
  })

  it("matches the brain's relabel semantics (the root term of numericObjective)", () => {
    const rng = Rng.seeded(1)
    const B = targets.length
    const output = T.column(Array.from(targets, (y) => y + rng.uniform(-2, 2)))
    const forward: BrainForward = {
      values: output,
      output,
      rootPaths: T.zeros(B, 1),
      rootGates: T.zeros(B, 1),
      paths: T.zeros(B, 1),
      gates: T.zeros(B, 1)
    }
    const brain = numericObjective(forward, targets, { relabelCost: 1, pathWeight: 0, beta: relativeBeta }).item()
    assert.approximately(T.mean(numberLoss(output, targets)).item(), brain, 1e-15)
  })

  it("equals the structural loss of a one-slot Number prediction", () => {
    for (const [p, y] of [[3, "3"], [2.9, "3"], [-7, "1/3"], [0.25, "0.25"], [1e6, "-2"], [0.3334, "1/3"]] as const) {
      const structural = structuralLoss(numberGraph(T.scalar(p)), graph(y)).item()
      const target = graph(y).nodes[0]!
      const value = target.kind === "Rational" ? Number(target.num) / Number(target.den) : Number((target as { value: number | bigint }).value)
      assert.approximately(structural, numberLoss(T.scalar(p), Float64Array.of(value)).item(), 1e-12, `${p} vs ${y}`)
    }
  })

  it("passes a finite-difference check (alone and inside the structural loss)", () => {
    const rng = Rng.seeded(2)
    // away from the kinks of smoothL1 at |e| = β
    const offsets = Array.from(targets, (_, i) => (i % 3 === 0 ? rng.uniform(1e-6, 5e-5) : rng.uniform(0.01, 2)) * (rng.bool() ? 1 : -1))
    const pred = new T.Tensor(Float64Array.from(targets, (y, i) => y + offsets[i]! * Math.max(1, Math.abs(y))), targets.length, 1, true)
    const r = T.gradCheck((p) => numberLoss(p!, targets), [pred], { eps: 1e-7, rtol: 1e-5, atol: 1e-8 })
    assert.isTrue(r.ok, `worst ${r.worst} at ${JSON.stringify(r.at)}`)
    for (const p of [2.7, 3.00001, -1]) {
      const s = T.gradCheck((v) => structuralLoss(numberGraph(v!), graph("3")), [T.scalar(p, { requiresGrad: true })], {
        eps: 1e-7,
        rtol: 1e-5,
        atol: 1e-8
      })
      assert.isTrue(s.ok, `worst ${s.worst} at ${JSON.stringify(s.at)}`)
    }
  })
})
