/**
 * Level 3 — symbol substitution: + − × ÷ ^ of height 1–3, leaves integers in [1, 10]
 * or the symbols x, y, z (at least one symbol), exponents integers in [0, 3];
 * every symbol bound to an integer in [−10, 10] → a number.
 */
import { freeSymbols } from "../../domain/Expr.js"
import type { Rng } from "../../domain/Random.js"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import type { TreeSpec, Valued } from "./trees.js"
import {
  bindingsFor, checkBindings, checkShape, drawBindings, exponentRule, intLeaf, leafRule, symbolLeaf, valuedTree,
  VARIABLES, weighted
} from "./trees.js"

/** The tree spec shared by levels 3 and 4 (level 4 adds functions). */
export const substitutionSpec = (env: Record<string, number>, fns: TreeSpec["fns"], fnProbability: number): TreeSpec => ({
  ops: ["+", "-", "*", "/", "^"],
  fns,
  fnProbability,
  leaf: (rng: Rng): Valued => (rng.bool() ? symbolLeaf(rng.pick(VARIABLES), env) : intLeaf(rng.int(1, 10))),
  // 0^0 is avoided: a zero base gets a positive exponent.
  exponent: (rng: Rng, base: Valued): Valued => intLeaf(rng.int(base.v === 0 ? 1 : 0, 3))
})

/** Height 1, 2 or 3, weighted towards the larger spaces. */
export const drawDepth = (rng: Rng, weights: ReadonlyArray<number> = [0.06, 0.3, 0.64]): number =>
  1 + weighted(rng, weights)

export const level3: CurriculumLevel = {
  level: 3,
  name: "symbol substitution",
  skill: "+ - * / ^ of depth <= 3 over integers in [1, 10] and x, y, z bound to integers in [-10, 10]; exponents in [0, 3]",
  samples: 50_000,
  output: "number",
  module: import.meta.url,
  generate: (rng) => {
    for (;;) {
      const env = drawBindings(rng, -10, 10)
      const t = valuedTree(rng, substitutionSpec(env, [], 0), drawDepth(rng))
      if (!Number.isFinite(t.v) || freeSymbols(t.e).length === 0) continue
      return { input: t.e, bindings: bindingsFor(t.e, env) }
    }
  },
  conforms: (p) =>
    checkShape(p.input, {
      ops: ["+", "-", "*", "/", "^"],
      fns: [],
      depth: [1, 3],
      leaf: leafRule(1, 10, VARIABLES),
      exponent: exponentRule(0, 3)
    }) ??
    (freeSymbols(p.input).length === 0 ? "no symbol to substitute" : undefined) ??
    checkBindings(p, -10, 10)
}


export default level3
