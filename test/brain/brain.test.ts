import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { parse } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { ArithmeticBrain } from "../../src/layers/brain/ArithmeticBrain.js"
import { makeModel } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { featurize } from "../../src/layers/brain/featurize.js"
import { fit } from "../../src/layers/brain/fit.js"
import { numericObjective, polishObjective } from "../../src/layers/brain/objective.js"
import { builtinLevels, level1, level3 } from "../../src/plugins/index.js"
import * as T from "../../src/tensor/index.js"
import { accuracy, brain, drawLevel, optimizerFor } from "./support.js"

describe("ArithmeticBrain", () => {
  it("freshly initialised, scores ≤ 5 % on every built-in level", () => {
    for (const level of builtinLevels) {
      const examples = drawLevel(level, 200, 11)
      expect(examples.length).toBeGreaterThan(100)
      for (const seed of [1, 2]) expect(accuracy(brain(seed), examples), `level ${level.level}`).toBeLessThanOrEqual(0.05)
    }
  })

  it("passes a finite-difference check end to end (values, objective and polish objective)", () => {
    // Moderate operands keep every unit's output well inside float range, where finite
    // differences are meaningful (at init an exponential unit on large operands saturates).
    const inputs = [
      ["(+ (* 1.5 2.0) (- 0.7 x))", [["x", 1.2]]],
      ["(/ (^ 1.3 2) 0.8)", []],
      ["(- (* 0.5 y) (/ 2.5 (+ x 1.1)))", [["x", 0.4], ["y", -1.7]]],
      ["(* (- z) (^ 0.9 y))", [["y", 2], ["z", 1.3]]],
      ["(+ (sin (* 0.5 x)) (tan 0.3))", [["x", 0.9]]],
      ["(- (exp 0.4) (ln (sqrt 1.7)))", []]
    ] as const
    const batch = featurize(inputs.map(([text, bindings]) => ({ expr: Either.getOrThrow(parse(text)), bindings })))
    const y = Float64Array.from([2.3, 2.1, -1.5, -1.05, 0.8, 1.2])
    const net = new ArithmeticBrain(Rng.seeded(3), { embedding: 4 })
    const params = net.parameters()
    for (const objective of [
      () => net.forward(batch).output,
      () => numericObjective(net.forward(batch), y),
      () => polishObjective(net.forward(batch), y)
    ]) {
      const result = T.gradCheck(() => objective(), params, { eps: 1e-6, rtol: 1e-5, atol: 1e-7 })
      expect(result.checked).toBeGreaterThan(500)
      expect(result.ok, JSON.stringify(result.at)).toBe(true)
    }
  })

  it("learns level 1 on held-out, disjoint data (≥ 95 %), beside an untrained control (≤ 5 %)", () => {
    const all = drawLevel(level1, 10_000, 2024)
    const train = all.slice(0, 8000)
    const test = all.slice(9000)
    const trainKeys = new Set(train.map((e) => e.key))
    expect(test.every((e) => !trainKeys.has(e.key))).toBe(true)
    const control = brain(1)
    const model = brain(1)
    fit(model, optimizerFor(model, "adam"), train, { epochs: 8, batchSize: 64, learningRate: 0.01, seed: 1, polishIterations: 100 })
    expect(accuracy(control, test)).toBeLessThanOrEqual(0.05)
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.95)
  })

  it("learns the same with its embedding rows permuted at initialisation", () => {
    const all = drawLevel(level1, 3000, 77)
    const [train, test] = [all.slice(0, 2400), all.slice(2400)]
    const scores = [false, true].map((permute) => {
      const net = new ArithmeticBrain(Rng.seeded(9), { embedding: 8 })
      if (permute) {
        const rng = Rng.seeded(123)
        for (const [name, p] of net.namedParameters()) {
          if (!name.endsWith("embedding")) continue
          const order = rng.shuffle(Array.from({ length: p.rows }, (_, i) => i))
          const copy = Float64Array.from(p.data)
          order.forEach((from, to) => p.data.set(copy.subarray(from * p.cols, (from + 1) * p.cols), to * p.cols))
        }
      }
      const model = makeModel(net)
      fit(model, optimizerFor(model, "adam"), train, { epochs: 8, batchSize: 64, learningRate: 0.01, seed: 4, polishIterations: 100 })
      return accuracy(model, test)
    })
    expect(Math.abs((scores[0] as number) - (scores[1] as number))).toBeLessThanOrEqual(0.05)
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.95)
  })

  it("after consolidating a level, its heads' parameters do not move while another level trains", () => {
    const l1 = drawLevel(level1, 300, 8)
    const l3 = drawLevel(level3, 300, 8)
    const net = new ArithmeticBrain(Rng.seeded(3), { embedding: 8 })
    const model = makeModel(net)
    // One level with symbols (read by name: nothing about them is trained).
    fit(model, optimizerFor(model, "adam"), [...l1, ...l3.filter((e) => !/[/^*]/.test(e.key))], {
      epochs: 1, batchSize: 64, learningRate: 0.01, seed: 1
    })
    const learned = [...net.lockedPath.keys()].filter((h) => (net.lockedPath[h] as number) >= 0)
    expect(learned.length).toBeGreaterThan(0)
    model.consolidate?.()
    const tables = () => T.noGrad(() => net.units().map((u) => u.table()))
    const before = tables()
    const params = model.module.stateDict()
    // Training on a level whose trees mix the frozen heads with new ones (* / ^), with momentum.
    fit(model, optimizerFor(model, "adam"), l3, { epochs: 2, batchSize: 64, learningRate: 0.01, seed: 2, polishIterations: 20 })
    const after = tables()
    const fresh = [...net.lockedPath.keys()].filter((h) => (net.lockedPath[h] as number) >= 0 && net.frozenHead[h] === 0)
    expect(fresh.length).toBeGreaterThan(0)
    const rowMoved = (h: number) => before.some((t, u) => t.data.subarray(h * t.cols, (h + 1) * t.cols).some((v, j) => v !== after[u]!.get(h, j)))
    for (const h of learned) expect(rowMoved(h), `head row ${h}`).toBe(false)
    expect(fresh.some(rowMoved)).toBe(true)
    const now = model.module.stateDict()
    for (const name of Object.keys(now).filter((n) => n.includes(".map.") || n.endsWith(".frozen"))) expect(now[name], name).toEqual(params[name])
    // A model rebuilt from its parameters and state behaves the same, frozen flags included.
    const copy = makeModel(new ArithmeticBrain(Rng.seeded(4), { embedding: 8 }))
    copy.module.loadStateDict(now)
    Effect.runSync(copy.loadState(model.state()))
    expect(copy.state()).toEqual(model.state())
    expect(copy.predict(l3.slice(0, 50).map((e) => e.input))).toEqual(model.predict(l3.slice(0, 50).map((e) => e.input)))
    expect(copy.module.parameters().filter((p) => p.requiresGrad).length).toBe(model.module.parameters().filter((p) => p.requiresGrad).length)
  })

  it("restores its learned discrete choices from state", () => {
    const a = brain(1)
    const all = drawLevel(level1, 500, 3)
    fit(a, optimizerFor(a, "adam"), all, { epochs: 2, batchSize: 64, learningRate: 0.01, seed: 1 })
    const b = brain(2)
    b.module.loadStateDict(a.module.stateDict())
    Effect.runSync(b.loadState(a.state()))
    expect(b.predict(all.slice(0, 20).map((e) => e.input))).toEqual(a.predict(all.slice(0, 20).map((e) => e.input)))
  })
})
