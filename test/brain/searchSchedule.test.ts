/**
 * The symbolic heads' search schedule (symbolic/schedule.ts), with the rule learner and
 * the emitter scores stubbed: when it searches, what it asks to learn, and when a root's
 * emitter is chosen again.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { Expr } from "../../src/domain/Expr.js"
import { parse } from "../../src/domain/Polish.js"
import { headRowsOf } from "../../src/layers/brain/featurize.js"
import { SEARCH_SLOTS, searchStep } from "../../src/layers/brain/symbolic/schedule.js"

const expr = (text: string): Expr => Either.getOrThrow(parse(text))
const problem = (root: number, f: string) => ({ p: { root, f: expr(f) } })

/** A schedule over examples whose trees read the heads of sin, *, + (root head row 7 for every example). */
const setup = () => {
  const examples = [problem(7, "(sin (* 2 x))"), problem(7, "(+ x 3)")]
  const heads = new Set(examples.flatMap(({ p }) => [...headRowsOf(p.f)]))
  const ruled = new Set<number>()
  const emitter = new Int32Array(16).fill(-1)
  const calls = { learn: [] as Array<{ missing: Array<number>; slot: number }>, scores: 0 }
  let scores: ReadonlyArray<number> = [0, 0]
  let slot = -1
  const step = (fraction: number, learnNow: ReadonlyArray<number> = []) => {
    slot = searchStep(
      examples,
      fraction,
      { hasRule: (h) => ruled.has(h), emitter, slot },
      (missing, now) => {
        calls.learn.push({ missing: [...missing].sort((a, b) => a - b), slot: now })
        for (const h of learnNow) ruled.add(h)
      },
      (mine) => {
        calls.scores++
        expect(mine.every(({ p }) => p.root === 7)).toBe(true)
        return scores
      }
    )
    return slot
  }
  return { heads: [...heads].sort((a, b) => a - b), emitter, calls, step, setScores: (s: ReadonlyArray<number>) => (scores = s) }
}

describe("the symbolic heads' search schedule", () => {
  it("searches at most once per slot, asks to learn exactly the heads without a rule, and keeps no emitter that scores nothing", () => {
    const s = setup()
    expect(s.step(0)).toBe(0)
    expect(s.calls.learn).toEqual([{ missing: s.heads, slot: 0 }])
    expect(s.emitter[7]).toBe(-1) // every emitter scored 0
    // The same slot: no search, whatever happens.
    s.step(0.5 / SEARCH_SLOTS)
    expect(s.calls.learn.length).toBe(1)
    // The next slot searches again; this time the learner finds rules for the first head only.
    expect(s.step(1 / SEARCH_SLOTS, [s.heads[0]!])).toBe(1)
    expect(s.step(2 / SEARCH_SLOTS)).toBe(2)
    expect(s.calls.learn[2]).toEqual({ missing: s.heads.slice(1), slot: 2 })
  })

  it("chooses a root's best-scoring emitter, and chooses again whenever the rules grew", () => {
    const s = setup()
    s.setScores([3, 1])
    s.step(0, [s.heads[0]!])
    expect(s.emitter[7]).toBe(0)
    // Rules grow in a later slot and the tangent emitter now scores best: chosen again.
    s.setScores([3, 5])
    s.step(1 / SEARCH_SLOTS, s.heads)
    expect(s.emitter[7]).toBe(1)
    expect(s.calls.scores).toBe(2)
    // Every head has a rule and the root an emitter: nothing left to search, and nothing is re-scored.
    s.setScores([9, 0])
    expect(s.step(2 / SEARCH_SLOTS)).toBe(1)
    expect(s.calls.learn.length).toBe(2)
    expect(s.calls.scores).toBe(2)
    expect(s.emitter[7]).toBe(1)
  })

  it("does nothing on a step without examples", () => {
    expect(searchStep([], 0.3, { hasRule: () => false, emitter: new Int32Array(4).fill(-1), slot: 4 }, () => expect.unreachable(), () => expect.unreachable())).toBe(4)
  })
})
