/**
 * Level 4 — functions: level 3 plus sin cos tan ln exp sqrt log (at least one
 * function), height 1–3, every argument inside its function's domain with a margin
 * (ln/log > 1e-6, sqrt ≥ 0, |cos| > 0.05 under tan, |x| ≤ 30 under exp) → a number.
 *
 * (extension) An internal node is a negation `(- t)` with probability NEGATION: level 6's
 * sums contain negated terms, and no other level has a number answer for a negation to
 * learn it from.
 */
import type { UnaryFunction } from "../../domain/Expr.js"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import { drawDepth, substitutionSpec } from "./level3.js"
import {
  bindingsFor, checkBindings, checkShape, drawBindings, exponentRule, hasFunction, leafRule, valuedTree, VARIABLES
} from "./trees.js"

const FUNCTIONS: ReadonlyArray<UnaryFunction> = ["sin", "cos", "tan", "ln", "exp", "sqrt", "log"]
export const NEGATION = 0.08

export const level4: CurriculumLevel = {
  level: 4,
  name: "functions",
  skill: "level 3 plus sin cos tan ln exp sqrt log with arguments inside their domains, and negation",
  samples: 100_000,
  output: "number",
  module: import.meta.url,
  generate: (rng) => {
    for (;;) {
      const env = drawBindings(rng, -10, 10)
      const t = valuedTree(rng, { ...substitutionSpec(env, FUNCTIONS, 0.35), negationProbability: NEGATION }, drawDepth(rng, [0.03, 0.17, 0.8]))
      if (!Number.isFinite(t.v) || !hasFunction(t.e)) continue
      return { input: t.e, bindings: bindingsFor(t.e, env) }
    }
  },
  conforms: (p) =>
    checkShape(p.input, {
      ops: ["+", "-", "*", "/", "^"],
      fns: FUNCTIONS,
      depth: [1, 3],
      leaf: leafRule(1, 10, VARIABLES),
      exponent: exponentRule(0, 3),
      negation: true
    }) ??
    (hasFunction(p.input) ? undefined : "no function") ??
    checkBindings(p, -10, 10)
}

export default level4
