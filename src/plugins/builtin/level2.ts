/**
 * Level 2 — nested operations: a random tree of + − × ÷ of height 2–3 with integer
 * leaves in [1, 20], never dividing by zero → a number (exact: an Integer or a Rational).
 */
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import type { TreeSpec } from "./trees.js"
import { checkShape, intLeaf, leafRule, noBindings, valuedTree } from "./trees.js"

const spec: TreeSpec = {
  ops: ["+", "-", "*", "/"],
  fns: [],
  fnProbability: 0,
  leaf: (rng) => intLeaf(rng.int(1, 20)),
  exponent: (rng) => intLeaf(rng.int(1, 20))
}

export const level2: CurriculumLevel = {
  level: 2,
  name: "nested operations",
  skill: "a tree of + - * / of depth 2-3 over integers in [1, 20], no division by zero",
  samples: 50_000,
  output: "number",
  module: import.meta.url,
  generate: (rng) => {
    for (;;) {
      const t = valuedTree(rng, spec, rng.int(2, 3))
      if (Number.isFinite(t.v)) return { input: t.e }
    }
  },
  conforms: (p) =>
    checkShape(p.input, { ops: ["+", "-", "*", "/"], fns: [], depth: [2, 3], leaf: leafRule(1, 20, []) }) ?? noBindings(p)
}

export default level2
