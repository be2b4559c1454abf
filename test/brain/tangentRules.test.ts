import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { Rng } from "../../src/domain/Random.js"
import { print } from "../../src/domain/Polish.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import { emitTangent } from "../../src/layers/brain/symbolic/emit.js"
import { learnTangentRules, type TangentProblem } from "../../src/layers/brain/symbolic/learn.js"
import { bestSubset } from "../../src/layers/brain/symbolic/subset.js"
import { derive } from "../../src/layers/engine/derive.js"
import { equivalent } from "../../src/layers/engine/equivalent.js"
import { level5 } from "../../src/plugins/builtin/level5.js"
import { exploration, floatEvaluator } from "./floatEvaluator.js"

const problems = (seed: number, n: number): Array<TangentProblem> => {
  const rng = Rng.seeded(seed, 5)
  return Array.from({ length: n }, () => {
    const input = level5.generate(rng).input as Extract<Expr, { _tag: "Fn" }>
    return { expr: input.args[0] as Expr, variable: "x" }
  })
}


describe("best-subset search", () => {
  it("finds the exact sparse rule, not a mixture over a collinear column", () => {
    const rng = Rng.seeded(3, 1)
    const n = 60
    const columns = 4
    // Columns: a, b, a·b/b (= a, collinear), noise; y = 2a − 0.5b.
    const rows = new Float64Array(n * columns)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const a = rng.uniform(-2, 2)
      const b = rng.uniform(-2, 2)
      rows.set([a, b, a, rng.uniform(-1, 1)], i * columns)
      y[i] = 2 * a - 0.5 * b
    }
    const fit = bestSubset(rows, y, columns, [0, 0, 2, 0])
    expect(fit?.terms).toEqual([
      { column: 0, coefficient: 2 },
      { column: 1, coefficient: -0.5 }
    ])
    expect(fit?.agreement).toBe(1)
  })
})

describe("tangent rules learned from an evaluator", () => {
  it("reproduce the Engine's derivatives on held-out level-5 trees", () => {
    const rules = learnTangentRules([...problems(11, 150), ...exploration], floatEvaluator, Rng.seeded(1, 2), undefined)
    const held = problems(12, 300)
    let ok = 0
    const wrong: Array<string> = []
    for (const p of held) {
      const answer = emitTangent(p.expr, "x", rules!, headRow)
      if (answer !== undefined && equivalent(answer, derive(p.expr, "x"))) ok++
      else if (wrong.length < 3) wrong.push(`${print(p.expr)} -> ${answer === undefined ? "none" : print(answer)}`)
    }
    expect(wrong).toEqual([])
    expect(ok / held.length).toBeGreaterThanOrEqual(0.99)
  })
})
