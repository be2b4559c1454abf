/**
 * Control 5 of the honesty line: supervision permuted across the examples of each level
 * (the answer with everything derived from it or from the input for training: per-node
 * targets, an equation's per-side targets), inputs untouched, searches and locking
 * running as usual. A brain that learns from its data must then fail on the true answers
 * (≤ 5 % on every level). An untrained brain scoring 0 % at levels 5–6 proves nothing (it
 * has no emitter yet); this control trains every part of the brain, on data that teaches
 * nothing.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Rng } from "../../src/domain/Random.js"
import { builtinLevels } from "../../src/plugins/index.js"
import { accuracy, drawLevel, trainLevels, type LabelledExample } from "./support.js"

/** The supervision of each example moved to another (a fixed permutation): target, per-node and per-side targets. */
const shuffled = (examples: ReadonlyArray<LabelledExample>, seed: number): Array<LabelledExample> => {
  const rng = Rng.seeded(seed, 77)
  const order = examples.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  return examples.map((e, i) => {
    const donor = examples[order[i] as number] as LabelledExample
    return { ...e, target: donor.target, subtreeValues: donor.subtreeValues, subtreeAffine: donor.subtreeAffine }
  })
}

const scores = new Map<number, number>()

beforeAll(async () => {
  const m = await trainLevels(builtinLevels, shuffled)
  for (const level of builtinLevels) scores.set(level.level, accuracy(m, drawLevel(level, 300, 9)))
}, 900_000)

describe("trained on answers permuted across examples (inputs untouched)", () => {
  it.each(builtinLevels.map((l) => l.level))("level %i: ≤ 5 % on the true answers", (level) => {
    expect(scores.get(level)).toBeLessThanOrEqual(0.05)
  })
})
