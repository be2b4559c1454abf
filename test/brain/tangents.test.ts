/**
 * The tangent pass of the default brain (level 7: nodes carry (tangent, value) along an
 * unknown) and its readout unit: calculus checked by finite differences, gradients by
 * finite differences, and the affine targets reaching the objective.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { parse } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { ArithmeticBrain, TANGENT_PATH_COUNT } from "../../src/layers/brain/ArithmeticBrain.js"
import { arithmeticUnits, unaryUnits } from "../../src/layers/brain/units/fused.js"
import { arithmeticTangents, readoutUnit, unaryTangents } from "../../src/layers/brain/units/tangents.js"
import { makeModel } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { featurize } from "../../src/layers/brain/featurize.js"
import { heads } from "../../src/layers/brain/vocabulary.js"
import { numericObjective } from "../../src/layers/brain/objective.js"
import { sideAffine } from "../../src/layers/trainer/examples.js"
import * as T from "../../src/tensor/index.js"
import type { Expr } from "../../src/domain/Expr.js"
import { print } from "../../src/domain/Polish.js"
import { fit } from "../../src/layers/brain/fit.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { run } from "../../src/layers/engine/run.js"
import { numberOfAnswer } from "../../src/layers/grading.js"
import { level1, level2, level7 } from "../../src/plugins/index.js"
import { accuracy, brain, drawLevel, type LabelledExample, optimizerFor } from "./support.js"

const rng = Rng.seeded(5)
const randomColumn = (n: number, lo: number, hi: number) => T.Parameter.from(Array.from({ length: n }, () => rng.uniform(lo, hi)), n, 1)
const n = 12
// Away from 0 and from the kinks of |·| and the clamps, where the derivative is defined.
const a = T.Parameter.from(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * rng.uniform(0.4, 1.6)), n, 1)
const b = T.Parameter.from(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * rng.uniform(0.5, 1.5)), n, 1)
const ta = randomColumn(n, -1, 1)
const tb = randomColumn(n, -1, 1)
// Gate logits inside (−2, 2) so that the hard sigmoids are smooth there.
const u = T.Parameter.from(
  Array.from({ length: n * 10 }, (_, i) => {
    const c = i % 10
    return c === 2 || c === 3 || c === 6 || c === 7 ? rng.uniform(-1.5, 1.5) : c === 8 ? rng.uniform(-0.8, 0.8) : rng.uniform(-1.2, 1.2)
  }),
  n,
  10
)
const q = T.Parameter.from(Array.from({ length: n * 12 }, () => rng.uniform(-1, 1)), n, 12)

describe("tangents of the units", () => {
  it("equal the finite-difference derivative of each unit along (ta, tb)", () => {
    const h = 1e-6
    const at = (s: number) =>
      T.noGrad(() => {
        const as = T.add(a, T.scale(ta, s))
        const bs = T.add(b, T.scale(tb, s))
        return T.concatCols([arithmeticUnits(as, bs, u), unaryUnits(as, q)])
      })
    const up = at(h)
    const down = at(-h)
    const analytic = T.noGrad(() => T.concatCols([arithmeticTangents(a, b, ta, tb, u), unaryTangents(a, ta, q)]))
    for (let i = 0; i < analytic.data.length; i++) {
      const numeric = ((up.data[i] as number) - (down.data[i] as number)) / (2 * h)
      expect(Math.abs((analytic.data[i] as number) - numeric), `entry ${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(numeric)))
    }
  })

  it("pass a finite-difference gradient check (tangents and readout)", () => {
    const rq = T.Parameter.from(Array.from({ length: n * 3 }, () => rng.uniform(-1, 1)), n, 3)
    const signs = T.column(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1)))
    for (const f of [
      () => arithmeticTangents(a, b, ta, tb, u),
      () => unaryTangents(a, ta, q),
      () => readoutUnit(a, tb, rq, signs)
    ]) {
      const result = T.gradCheck(f, [a, b, ta, tb, u, q, rq], { eps: 1e-6, rtol: 1e-5, atol: 1e-7 })
      expect(result.ok, JSON.stringify(result.at)).toBe(true)
    }
  })

  it("the readout of (t, v) = (A, C) with p = (1, −1), σ = −1 and both sign gates is −C/A", () => {
    const v = T.column([3, -2, 0.5, -7])
    const t = T.column([2, 4, -0.25, -1])
    const rq = new T.Tensor(Float64Array.from([0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1]), 4, 3)
    const signs = T.column(Array.from({ length: 4 }, (_, i) => -Math.sign(v.data[i] as number) * Math.sign(t.data[i] as number)))
    const out = readoutUnit(v, t, rq, signs).data
    ;[-1.5, 0.5, 2, -7].forEach((x, i) => expect(out[i]).toBeCloseTo(x, 12))
  })
})

describe("the brain with an unknown", () => {
  const inputs = ["(solve (= (* 4 (- x 7)) (/ x 3)) x)", "(solve (= (+ x 2) (- 5 (* 2 x))) x)", "(+ (* 1.5 2.0) (- 0.7 y))"].map((text, i) => ({
    expr: Either.getOrThrow(parse(text)),
    bindings: i === 2 ? ([["y", 1.2]] as const) : []
  }))

  it("carries tangents only in batches with unknowns, and the bound-only batch is unchanged by them", () => {
    const net = new ArithmeticBrain(Rng.seeded(3), { embedding: 4 })
    const withUnknowns = featurize(inputs)
    const boundOnly = featurize(inputs.slice(2))
    expect(withUnknowns.hasUnbound).toBe(true)
    expect(boundOnly.hasUnbound).toBe(false)
    const f1 = net.forward(withUnknowns)
    const f2 = net.forward(boundOnly)
    expect(f1.tangents).toBeDefined()
    expect(f1.rootPaths.cols).toBe(TANGENT_PATH_COUNT)
    expect(f2.tangents).toBeUndefined()
    // With every head locked to a unit (one-hot gates), the bound example's value is the same.
    net.lockedPath.fill(0)
    expect(net.forward(featurize(inputs)).output.data[2]).toBe(net.forward(boundOnly).output.data[0])
  })

  it("passes a finite-difference check end to end with unknowns (values, tangents, objective)", () => {
    // Moderate operands and an initialisation whose units stay far from the exp clamps and the
    // ratio's poles (there finite differences of numbers near 1e30 say nothing).
    const tame = ["(solve (= (* 0.5 (- x 0.7)) (/ x 1.3)) x)", "(solve (= (+ x 0.2) (- 0.5 (* 1.5 x))) x)", "(+ (* 1.5 2.0) (- 0.7 y))"].map(
      (text, i) => ({ expr: Either.getOrThrow(parse(text)), bindings: i === 2 ? ([["y", 1.2]] as const) : [] })
    )
    const net = new ArithmeticBrain(Rng.seeded(5), { embedding: 4 })
    const batch = featurize(tame)
    const y = Float64Array.from([0.6, 0.3, 2.3])
    const params = net.parameters()
    for (const objective of [() => net.forward(batch).output, () => net.forward(batch).tangents!, () => numericObjective(net.forward(batch), y)]) {
      const result = T.gradCheck(() => objective(), params, { eps: 1e-6, rtol: 1e-4, atol: 1e-6 })
      expect(result.ok, JSON.stringify(result.at)).toBe(true)
    }
  })

  it("reads a line's lhs_affine / rhs_affine as targets of the two sides, and trains on them", () => {
    const expr = inputs[0]!.expr
    const line = { lhs_affine: [4, -28], rhs_affine: [1 / 3, 0] } as unknown as Parameters<typeof sideAffine>[0]
    const affine = sideAffine(line, expr)!
    expect([...affine.entries()]).toEqual([
      ["(* 4 (- x 7))", [4, -28]],
      ["(/ x 3)", [1 / 3, 0]]
    ])
    const batch = featurize([inputs[0]!], [new Map()], [affine])
    const known = Array.from({ length: batch.nodeAffine!.length / 2 }, (_, r) => r).filter((r) => !Number.isNaN(batch.nodeAffine![2 * r]))
    expect(known.length).toBe(2)
    // The objective with the affine targets differs from the one without them.
    const model = makeModel(new ArithmeticBrain(Rng.seeded(6), { embedding: 8 }))
    const example = { input: inputs[0]!, target: { _tag: "Number" as const, value: 84 / 11 }, subtreeValues: new Map<string, number>() }
    const plain = model.objective([example], { fraction: 0.1 }).item()
    const aux = model.objective([{ ...example, subtreeAffine: affine }], { fraction: 0.1 }).item()
    expect(Number.isFinite(aux)).toBe(true)
    expect(aux).not.toBe(plain)
    expect(Effect.runSync(Effect.succeed(model.canLearn!(example)))).toBe(true)
  })
})

describe("heads with no one-operator data (an equation's)", () => {
  it("are locked as soon as the warm-up ends, not at half the schedule (a level's early stop may come first)", () => {
    const model = brain(1)
    const equations = drawLevel(level7, 64, 41).map((e) => ({ ...e, subtreeValues: subtreeValues(e.input.expr, e.input.bindings) }))
    const rows = ["solve", "="].map((name) => heads.indexOf(`${name}/2`))
    model.prepareStep!(equations, { fraction: 0.1 })
    for (const r of rows) expect(model.state()["lockedPath"]![r]).toBe(-1)
    model.prepareStep!(equations, { fraction: 0.3 })
    for (const r of rows) expect(model.state()["lockedPath"]![r]).toBeGreaterThanOrEqual(0)
  })
})

describe("learning level 7 (linear equations)", () => {
  it("after levels 1–2, learns to solve held-out equations (≥ 65 %) with the per-side targets", () => {
    const withSubtrees = <E extends { input: { expr: Expr; bindings: ReadonlyArray<readonly [string, number]> } }>(e: E) => ({
      ...e,
      subtreeValues: subtreeValues(e.input.expr, e.input.bindings)
    })
    const model = brain(1)
    const optimizer = optimizerFor(model, "adam")
    const l1 = drawLevel(level1, 2000, 31).map(withSubtrees)
    const l2 = drawLevel(level2, 3000, 32).map(withSubtrees)
    fit(model, optimizer, l1, { epochs: 2, batchSize: 64, learningRate: 0.01, seed: 1, polishIterations: 50 })
    model.consolidate!()
    fit(model, optimizer, l2, { epochs: 3, batchSize: 64, learningRate: 0.01, seed: 2, polishIterations: 50 })
    model.consolidate!()
    // Level 7 as the generator draws it, with its lhs_affine / rhs_affine fields.
    const rng = Rng.seeded(33, 7)
    const seen = new Set<string>()
    const l7: Array<LabelledExample & { subtreeAffine: ReturnType<typeof sideAffine> }> = []
    while (l7.length < 3000) {
      const p = level7.generate(rng)
      const key = print(p.input)
      if (seen.has(key)) continue
      seen.add(key)
      const value = numberOfAnswer(run(p.input, []))
      if (value === undefined) continue
      l7.push({
        key,
        expected: { result: value, symbolic: null },
        input: { expr: p.input, bindings: [] },
        target: { _tag: "Number", value },
        subtreeAffine: sideAffine(p.extra as unknown as Parameters<typeof sideAffine>[0], p.input)
      })
    }
    const train = l7.slice(0, 2500).map(withSubtrees)
    const test = l7.slice(2500)
    expect(accuracy(model, test)).toBeLessThanOrEqual(0.05)
    fit(model, optimizer, train, { epochs: 10, batchSize: 64, learningRate: 0.01, seed: 3 })
    const negative = test.filter((e) => (e.expected.result as number) < 0)
    expect(negative.length).toBeGreaterThan(50)
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.65)
    // the negative solutions too (the readout's sign is a searched choice)
    expect(accuracy(model, negative)).toBeGreaterThanOrEqual(0.65)
  }, 60_000)
})
