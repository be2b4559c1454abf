import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { substitute, sym } from "../../src/domain/Expr.js"
import { Rng } from "../../src/domain/Random.js"
import { print } from "../../src/domain/Polish.js"
import { featurize } from "../../src/layers/brain/featurize.js"
import { learnAntiRules } from "../../src/layers/brain/symbolic/antiderivative.js"
import { emitAntitangent } from "../../src/layers/brain/symbolic/antitangentEmit.js"
import { makeDefiniteHeads } from "../../src/layers/brain/symbolic/DefiniteHeads.js"
import { learnTangentRules } from "../../src/layers/brain/symbolic/learn.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import { derive } from "../../src/layers/engine/derive.js"
import { equivalent } from "../../src/layers/engine/equivalent.js"
import { isCorrectNumber } from "../../src/layers/grading.js"
import { level5, level6 } from "../../src/plugins/index.js"
import type { BrainExample } from "../../src/services/Brain.js"
import { drawLevel } from "./support.js"
import { exploration, floatEvaluator } from "./floatEvaluator.js"

const integrands = (seed: number, n: number): Array<Expr> => {
  const rng = Rng.seeded(seed, 6)
  return Array.from({ length: n }, () => (level6.generate(rng).input as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr)
}
// Tangent rules as level 5 teaches them (here from the test evaluator).
const tangents = (() => {
  const rng = Rng.seeded(1, 5)
  const problems = Array.from({ length: 150 }, () => ({ expr: (level5.generate(rng).input as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr, variable: "x" }))
  return learnTangentRules([...problems, ...exploration], floatEvaluator, Rng.seeded(1, 2), undefined)!
})()
const trusting = { evaluate: floatEvaluator, isLocked: () => true }
/** The test evaluator on one expression at one point. */
const floatEvaluatorAt = (f: Expr, x: number): number => {
  const batch = featurize([{ expr: f, bindings: [["x", x]] }])
  return floatEvaluator(batch)[batch.roots[0] as number] as number
}

describe("antitangent rules learned from an evaluator", () => {
  it("emit antiderivatives of held-out level-6 integrands: the Engine's derivative of each is equivalent to f", () => {
    const problems = integrands(2, 200).map((expr) => ({ expr, variable: "x" }))
    const rules = learnAntiRules(problems, floatEvaluator, tangents, headRow, Rng.seeded(3, 3), undefined)!
    const held = integrands(9, 300)
    const wrong: Array<string> = []
    let ok = 0
    for (const f of held) {
      const F = emitAntitangent(f, "x", rules, tangents, headRow)
      if (F !== undefined && equivalent(derive(F, "x"), f)) ok++
      else if (wrong.length < 3) wrong.push(`${print(f)} -> ${F === undefined ? "none" : print(F)}`)
    }
    // A head no training integrand had (unary minus is rare) may be missing; nothing may be wrong.
    expect(wrong.filter((w) => !w.endsWith("none"))).toEqual([])
    expect(ok / held.length).toBeGreaterThanOrEqual(0.97)
  })
})

describe("antitangent rules with several variables in one step", () => {
  it("learn from problems in x and in t together, and emit along each problem's own variable", () => {
    const mixed = integrands(2, 200).map((expr, i) => (i % 2 === 0 ? { expr, variable: "x" } : { expr: substitute(expr, "x", sym("t")), variable: "t" }))
    const rules = learnAntiRules(mixed, floatEvaluator, tangents, headRow, Rng.seeded(3, 3), undefined)!
    const held = integrands(9, 100).map((f) => substitute(f, "x", sym("t")))
    let ok = 0
    for (const f of held) {
      const F = emitAntitangent(f, "t", rules, tangents, headRow)
      if (F !== undefined && equivalent(derive(F, "t"), f)) ok++
    }
    expect(ok / held.length).toBeGreaterThanOrEqual(0.95)
  })
})

describe("definite problems (level 6)", () => {
  const labelled = (seed: number, n: number): Array<BrainExample & { value: number }> =>
    drawLevel(level6, n, seed).map((e) => ({ ...e, value: e.expected.result as number }))
  const accuracy = (heads: ReturnType<typeof makeDefiniteHeads>, held: ReadonlyArray<{ input: BrainExample["input"]; value: number }>) => {
    const answers = heads.answers(held.map((e) => e.input))
    return held.filter((e, i) => {
      const a = answers[i]?.expr
      return a !== undefined && a._tag === "Float" && isCorrectNumber(a.value, e.value)
    }).length / held.length
  }

  it("learns, from training steps alone, to answer held-out (integrate f x a b) by its own antitangents", () => {
    const heads = makeDefiniteHeads(trusting, () => tangents)
    const held = labelled(2, 300)
    expect(accuracy(heads, held)).toBe(0)
    const train = labelled(1, 320)
    for (let step = 0; step < 5; step++) heads.prepareStep(train.slice(64 * step, 64 * (step + 1)), { fraction: step / 5 })
    expect(accuracy(heads, held)).toBeGreaterThanOrEqual(0.97)
    // What it learned survives a checkpoint.
    const restored = makeDefiniteHeads(trusting, () => tangents)
    Effect.runSync(restored.loadState(heads.state()))
    expect(accuracy(restored, held)).toBe(accuracy(heads, held))
    const refused = (state: Record<string, ReadonlyArray<number>>) => {
      const result = Effect.runSync(Effect.either(makeDefiniteHeads(trusting, () => tangents).loadState({ ...heads.state(), ...state })))
      return result._tag === "Left" ? `${result.left.reason}: ${result.left.message}` : "accepted"
    }
    expect(refused({ definiteEmitter: [0] })).toBe("BadState: definiteEmitter has the wrong length")
    expect(refused({ antiTerms: [0, 1, 2, 3, NaN, NaN, 3, 5] })).toBe("BadState: antiTerms is malformed")
  })

  it("chooses the root's emitter from the targets (here f(b) − f(a), not the integral)", () => {
    const heads = makeDefiniteHeads(trusting, () => tangents)
    const differences = labelled(1, 128).map((e) => {
      const [f, , lo, hi] = (e.input.expr as Extract<Expr, { _tag: "Fn" }>).args as [Expr, Expr, Expr, Expr]
      const at = (x: Expr) => floatEvaluatorAt(f, Number((x as Extract<Expr, { _tag: "Integer" }>).value))
      const value = at(hi) - at(lo)
      return { ...e, value, target: { _tag: "Number" as const, value } }
    })
    heads.prepareStep(differences.slice(0, 64), { fraction: 0 })
    expect(accuracy(heads, differences.slice(64))).toBeGreaterThanOrEqual(0.97)
  })

  it("learns nothing from trees it does not trust, and without tangent rules only what needs none", () => {
    const train = labelled(1, 64)
    const held = labelled(2, 300)
    const distrusting = makeDefiniteHeads({ evaluate: floatEvaluator, isLocked: () => false }, () => tangents)
    distrusting.prepareStep(train, { fraction: 0 })
    expect(accuracy(distrusting, held)).toBe(0)
    // Without tangent rules, sin/cos/exp of kx (whose antitangents divide by the inner tangent) stay unanswered.
    const none = makeDefiniteHeads(trusting, () => undefined)
    none.prepareStep(train, { fraction: 0 })
    const answered = none.answers(held.map((e) => e.input))
    const transcendental = held.filter((e) => /sin|cos|exp/.test(print(e.input.expr)))
    expect(transcendental.length).toBeGreaterThan(100)
    for (const e of transcendental) expect(answered[held.indexOf(e)]?.expr).toBeUndefined()
    expect(accuracy(none, held)).toBeGreaterThan(0.1)
  })
})
