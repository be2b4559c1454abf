/** Level 1 — basic arithmetic: `(op a b)`, op ∈ {+, −}, a, b ∈ [0, 99] → a number (SPEC §4). */
import { int, op } from "../../domain/Expr.js"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import { checkShape, leafRule, noBindings } from "./trees.js"

export const level1: CurriculumLevel = {
  level: 1,
  name: "basic arithmetic",
  skill: "(op a b) with op in {+, -} and integers a, b in [0, 99]",
  samples: 10_000,
  output: "number",
  module: import.meta.url,
  generate: (rng) => ({ input: op(rng.bool() ? "+" : "-", int(rng.int(0, 99)), int(rng.int(0, 99))) }),
  conforms: (p) =>
    checkShape(p.input, { ops: ["+", "-"], fns: [], depth: [1, 1], leaf: leafRule(0, 99, []) }) ?? noBindings(p)
}

export default level1
