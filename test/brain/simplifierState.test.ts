/**
 * The simplifier's saved state (src/layers/brain/simplify/Simplifier.ts) is built once and
 * reused until it changes: a learning step or a state read back must show in the next one
 * (the trainer sends it to its workers before every step).
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { Rng } from "../../src/domain/Random.js"
import { makeSimplifier } from "../../src/layers/brain/simplify/Simplifier.js"
import { derive, deriveRaw } from "../../src/layers/engine/derive.js"
import { level5 } from "../../src/plugins/builtin/level5.js"
import { floatEvaluator } from "./floatEvaluator.js"

const trusting = { evaluate: floatEvaluator, isLocked: () => true }

const pairs = (seed: number, n: number) => {
  const rng = Rng.seeded(seed, 5)
  return Array.from({ length: n }, () => {
    const f = (level5.generate(rng).input as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr
    return { answer: deriveRaw(f, "x"), target: derive(f, "x") }
  })
}

describe("the simplifier's state", () => {
  it("shows each learning step and each state read back, and is the same between them", () => {
    const simplifier = makeSimplifier(trusting)
    const empty = JSON.stringify(simplifier.state())
    simplifier.learn(pairs(1, 48))
    const learned = simplifier.state()
    expect(JSON.stringify(learned)).not.toBe(empty)
    expect((learned["simplifyRules"] ?? []).length).toBeGreaterThan(0)
    expect(simplifier.state()).toBe(learned)
    simplifier.learn(pairs(2, 48))
    const more = JSON.stringify(simplifier.state())
    expect(more).not.toBe(JSON.stringify(learned))
    expect(Either.isRight(simplifier.loadState(learned))).toBe(true)
    expect(JSON.stringify(simplifier.state())).toBe(JSON.stringify(learned))
  })
})
