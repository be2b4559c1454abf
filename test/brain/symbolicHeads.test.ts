import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { fn, sym } from "../../src/domain/Expr.js"
import { Rng } from "../../src/domain/Random.js"
import { makeSymbolicHeads } from "../../src/layers/brain/symbolic/SymbolicHeads.js"
import { derive } from "../../src/layers/engine/derive.js"
import { equivalent } from "../../src/layers/engine/equivalent.js"
import { level5 } from "../../src/plugins/builtin/level5.js"
import type { BrainExample } from "../../src/services/Brain.js"
import { floatEvaluator } from "./floatEvaluator.js"

const examples = (seed: number, n: number): Array<BrainExample> => {
  const rng = Rng.seeded(seed, 5)
  return Array.from({ length: n }, () => {
    const input = level5.generate(rng).input as Extract<Expr, { _tag: "Fn" }>
    return { input: { expr: input, bindings: [] }, target: { _tag: "Expression", expr: derive(input.args[0] as Expr, "x") } }
  })
}

const accuracy = (heads: ReturnType<typeof makeSymbolicHeads>, held: ReadonlyArray<BrainExample>): number => {
  let ok = 0
  for (const ex of held) {
    const answer = heads.answer(ex.input)?.expr
    if (answer !== undefined && ex.target._tag === "Expression" && equivalent(answer, ex.target.expr)) ok++
  }
  return ok / held.length
}

const trusting = { evaluate: floatEvaluator, isLocked: () => true }

describe("expression answers (level 5)", () => {
  it("learns, from training steps alone, to answer held-out (derive f x) with equivalent expressions", () => {
    const heads = makeSymbolicHeads(trusting)
    const held = examples(2, 300)
    expect(accuracy(heads, held)).toBe(0) // nothing learned: no answer
    const train = examples(1, 256)
    for (let step = 0; step < 4; step++) heads.prepareStep(train.slice(64 * step, 64 * (step + 1)), { fraction: step / 4 })
    expect(accuracy(heads, held)).toBeGreaterThanOrEqual(0.99)
  })

  it("learns nothing from trees its evaluator does not trust (heads without a locked unit)", () => {
    const heads = makeSymbolicHeads({ evaluate: floatEvaluator, isLocked: () => false })
    heads.prepareStep(examples(1, 64), { fraction: 0 })
    expect(accuracy(heads, examples(2, 50))).toBe(0)
  })

  it("chooses the root's emitter from the targets: copying when the target is the input itself", () => {
    const heads = makeSymbolicHeads(trusting)
    const copies = examples(1, 64).map((ex) => ({ ...ex, target: { _tag: "Expression" as const, expr: (ex.input.expr as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr } }))
    heads.prepareStep(copies, { fraction: 0 })
    const f = fn("sin", sym("x"))
    expect(heads.answer({ expr: fn("derive", f, sym("x")), bindings: [] })?.expr).toEqual(f)
  })

  it("carries what it learned through state() and loadState()", () => {
    const heads = makeSymbolicHeads(trusting)
    heads.prepareStep(examples(1, 128), { fraction: 0 })
    const restored = makeSymbolicHeads(trusting)
    Effect.runSync(restored.loadState(heads.state()))
    const held = examples(3, 100)
    expect(held.map((ex) => restored.answer(ex.input)?.expr)).toEqual(held.map((ex) => heads.answer(ex.input)?.expr))
    expect(accuracy(restored, held)).toBeGreaterThanOrEqual(0.99)
    const refused = (state: Record<string, ReadonlyArray<number>>) => {
      const result = Effect.runSync(Effect.either(makeSymbolicHeads(trusting).loadState({ ...heads.state(), ...state })))
      return result._tag === "Left" ? `${result.left.reason}: ${result.left.message}` : "accepted"
    }
    expect(refused({ emitter: [1, 2] })).toBe("BadState: emitter has the wrong length")
    expect(refused({ tangentTerms: [0, 1, 2, 3, 1, 0, 9999, 1] })).toBe("BadState: tangentTerms is malformed")
    expect(refused({ tangentRules: [1, 0, 2, 1, 0, 1] })).toMatch(/^BadState: tangentRules holds rules in a format this version does not read/)
    // An empty state: nothing learned, no answers.
    const blank = makeSymbolicHeads(trusting)
    Effect.runSync(blank.loadState({}))
    expect(held.every((ex) => blank.answer(ex.input) === undefined)).toBe(true)
  })
})
