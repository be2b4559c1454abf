/**
 * The graph edit distance reported as `GED=` in training logs and by `grapheme ged`
 * (SPEC §6): exact for small graphs, an upper bound above a size limit, and the
 * result says which.
 *
 * Why the default limit is 10 nodes (CPU time of the exact search, Node 20):
 *
 *   nodes each   two unrelated random expression trees   target vs. one subtree changed
 *   10           median ≈4 ms, worst seen ≈70 ms          < 1 ms
 *   12           median ≈10 ms, worst seen ≈0.4 s         < 2 ms
 *   14           median ≈50 ms, worst seen ≈0.5 s         < 5 ms
 *   16           median ≈0.3 s, worst seen ≈1.5 s         < 3 ms
 *
 * A training log prices many pairs per line and an untrained Brain's output is
 * unrelated to its target, so the limit is where the worst case stays well under a
 * tenth of a second. Level 1–4 answers are one node; most level 5–7 targets fit.
 * Callers that price few pairs can raise `exactLimit`; `maxExpansions` keeps any
 * single search bounded (then the answer is the best edit path found, a "bound").
 *
 * Above the limit the distance is the smallest of the upper bounds that are
 * affordable for the sizes at hand (TreeEdit.ts, ZhangShasha.ts, Bipartite.ts,
 * SimpleBounds.ts). Each is the cost of a concrete edit path, so the bound is never
 * below the true distance.
 */
import type { Graph } from "../Graph.js"
import { bipartiteBound } from "./Bipartite.js"
import { checkCosts, defaultGedCosts, type GedCosts } from "./Costs.js"
import { exactGedSearch } from "./Exact.js"
import { asForest, decompositionCost } from "./Forest.js"
import { indexBound, positionalBound } from "./SimpleBounds.js"
import { treeEditDistance } from "./TreeEdit.js"
import { zhangShashaBound, zhangShashaOrders } from "./ZhangShasha.js"

export type GedMethod = "exact" | "bound"

export type GedAlgorithm = "branch-and-bound" | "tree-edit" | "zhang-shasha" | "bipartite" | "positional" | "index"

export interface GedResult {
  readonly distance: number
  /** "exact": the true minimum. "bound": the cost of the best edit path found, an upper bound. */
  readonly method: GedMethod
  /** Which computation produced `distance`. */
  readonly algorithm: GedAlgorithm
}

export interface GedOptions {
  /** Both graphs with at most this many nodes → exact search. Default `defaultExactLimit`. */
  readonly exactLimit?: number
  /**
   * Safety budget of the exact search, in search nodes (≈10–30 µs each at 10–14 nodes). When it runs
   * out the result is the best edit path found, reported as a bound.
   * Default `defaultMaxExpansions`.
   */
  readonly maxExpansions?: number
}

export const defaultExactLimit = 10
export const defaultMaxExpansions = 100_000
/** The tree edit DP keeps three (|a|+1)·(|b|+1) float tables: 24 bytes a cell, ≈100 MB at this limit (2000 × 2000 nodes). */
export const maxTreeCells = 4_200_000
/** Zhang–Shasha (a second tree bound) is tried up to this many cell updates (≈0.1 s). */
export const maxZhangShashaWork = 20_000_000
/** The bipartite bound is O(n³): nodes of the larger graph allowed. */
export const maxBipartiteNodes = 200

export const ged = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts, options: GedOptions = {}): GedResult => {
  checkCosts(costs)
  const limit = options.exactLimit ?? defaultExactLimit
  const n = a.nodes.length
  const m = b.nodes.length
  if (n <= limit && m <= limit) {
    const r = exactGedSearch(a, b, costs, { maxExpansions: options.maxExpansions ?? defaultMaxExpansions })
    return { distance: r.distance, method: r.exact ? "exact" : "bound", algorithm: "branch-and-bound" }
  }
  const candidates: Array<{ distance: number; algorithm: GedAlgorithm }> = []
  const fa = asForest(a)
  const fb = asForest(b)
  if (fa !== undefined && fb !== undefined) {
    if ((n + 1) * (m + 1) <= maxTreeCells) {
      const d = treeEditDistance(a, b, costs)
      if (d !== undefined) candidates.push({ distance: d, algorithm: "tree-edit" })
      const orders = zhangShashaOrders(fa, fb)
      if (decompositionCost(orders.a) * decompositionCost(orders.b) <= maxZhangShashaWork) {
        const z = zhangShashaBound(a, b, costs)
        if (z !== undefined) candidates.push({ distance: z, algorithm: "zhang-shasha" })
      }
    }
    const p = positionalBound(a, b, costs)
    if (p !== undefined) candidates.push({ distance: p, algorithm: "positional" })
  }
  if (Math.max(n, m) <= maxBipartiteNodes) candidates.push({ distance: bipartiteBound(a, b, costs), algorithm: "bipartite" })
  candidates.push({ distance: indexBound(a, b, costs), algorithm: "index" })
  let best = candidates[0] as { distance: number; algorithm: GedAlgorithm }
  for (const c of candidates) if (c.distance < best.distance) best = c
  return { distance: best.distance, method: "bound", algorithm: best.algorithm }
}
