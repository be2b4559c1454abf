import { describe, expect, it } from "@effect/vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { fit } from "../../src/layers/brain/fit.js"
import { headRowsOf } from "../../src/layers/brain/featurize.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import { level1, level2, level3, level5 } from "../../src/plugins/index.js"
import { accuracy, brain, drawLevel, optimizerFor } from "./support.js"

const withSubtrees = <E extends { input: { expr: Expr; bindings: ReadonlyArray<readonly [string, number]> } }>(e: E) => ({
  ...e,
  subtreeValues: subtreeValues(e.input.expr, e.input.bindings)
})

describe("learning level 5 (derivatives) with the brain's own evaluator", () => {
  it("after levels 1–3, answers held-out (derive f x) over + − × ÷ ^ with equivalent expressions (≥ 90 %)", () => {
    const model = brain(1)
    const optimizer = optimizerFor(model, "adam")
    const options = { batchSize: 64, learningRate: 0.01, polishIterations: 50 }
    fit(model, optimizer, drawLevel(level1, 2000, 31).map(withSubtrees), { ...options, epochs: 2, seed: 1 })
    model.consolidate!()
    fit(model, optimizer, drawLevel(level2, 3000, 32).map(withSubtrees), { ...options, epochs: 3, seed: 2 })
    model.consolidate!()
    fit(model, optimizer, drawLevel(level3, 3000, 33).map(withSubtrees), { ...options, epochs: 3, seed: 3 })
    model.consolidate!()
    // Level 5 trees whose heads levels 1–3 taught (the functions come with level 4).
    const taught = new Set(["+", "-", "*", "/", "^"].map((o) => headRow({ _tag: "Op", op: o as "+", args: [] }, 2)))
    const derivatives = drawLevel(level5, 8000, 35).filter((e) => {
      const f = (e.input.expr as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr
      return e.target._tag === "Expression" && [...headRowsOf(f)].every((h) => taught.has(h))
    })
    const train = derivatives.slice(0, 300)
    const test = derivatives.slice(300)
    expect(test.length).toBeGreaterThan(100)
    expect(accuracy(model, test)).toBeLessThanOrEqual(0.05)
    fit(model, optimizer, train, { ...options, epochs: 1, seed: 5 })
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.9)
  })
})
