/**
 * The alignment of the structural loss: which slot of the soft graph plays which target
 * node. It is discrete and exact, and held constant for the gradient (so the loss is
 * piecewise smooth). Two steps:
 *
 * 1. The top-1 graph H of the prediction (decodeGraph) against the target by graph edit
 *    distance (src/domain/ged): when H *is* the target (the positional mapping costs 0)
 *    that mapping; otherwise the exact branch-and-bound search when both graphs are
 *    within `exactLimit` nodes (its best mapping if `maxExpansions` runs out), else the
 *    cheaper of the search's root assignment and the positional mapping.
 *    So at a one-hot prediction the loss prices an optimal edit path (docs/loss.md).
 * 2. The spare slots (outside H: existence ≤ 1/2) and the target nodes step 1 left
 *    unmatched are paired by a min-cost assignment (Hungarian method) on the loss's own
 *    costs — node terms plus the target edges to nodes already aligned — as many pairs
 *    as possible (every unmatched target node gets a spare slot while there are any).
 *    A node the prediction does not produce yet thus has a slot to grow in, whose label,
 *    existence and edges get gradients (set prediction, as in DETR's matching).
 */
import type { Graph } from "../../domain/Graph.js"
import {
  defaultExactLimit,
  exactGedSearch,
  makeAssignmentSolver,
  mappingCost,
  maxBipartiteNodes,
  positionalMapping
} from "../../domain/ged/index.js"
import type { AlignmentOptions, LossWeights } from "../../services/Loss.js"
import { edgeMass, mismatch, type Prepared, targetEdgeCost } from "./Prepared.js"
import { decodeGraph } from "./SoftGraph.js"

/** How step 1 was done: H equals the target, exact search, or a bound (budget out or graphs too large). */
export type AlignmentMethod = "identical" | "exact" | "bound"

export interface Alignment {
  /** Slot aligned with each target node, -1 for none. */
  readonly slotOf: Int32Array
  /** Target node aligned with each slot, -1 for none. */
  readonly targetOf: Int32Array
  readonly method: AlignmentMethod
  /** The top-1 graph step 1 aligned, and the slot of each of its nodes. */
  readonly decoded: Graph
  readonly decodedSlots: Int32Array
}

export const defaultAlignmentMaxExpansions = 10_000

/** Step 1: top-1 graph node → target node (or -1). */
const alignTop = (
  h: Graph,
  target: Graph,
  w: LossWeights,
  options: AlignmentOptions
): { readonly mapping: ArrayLike<number>; readonly method: AlignmentMethod } => {
  const positional = positionalMapping(h, target)
  const positionalCost = positional === undefined ? Infinity : mappingCost(h, target, positional, w)
  if (positional !== undefined && positionalCost === 0) return { mapping: positional, method: "identical" }
  const limit = options.exactLimit ?? defaultExactLimit
  const small = h.nodes.length <= limit && target.nodes.length <= limit
  if (small || Math.max(h.nodes.length, target.nodes.length) <= maxBipartiteNodes) {
    const r = exactGedSearch(h, target, w, {
      maxExpansions: small ? options.maxExpansions ?? defaultAlignmentMaxExpansions : 1
    })
    if (small && r.exact) return { mapping: r.mapping, method: "exact" }
    return positional !== undefined && positionalCost < r.distance
      ? { mapping: positional, method: "bound" }
      : { mapping: r.mapping, method: "bound" }
  }
  return { mapping: positional ?? new Int32Array(h.nodes.length).fill(-1), method: "bound" }
}

export const align = (c: Prepared, w: LossWeights, options: AlignmentOptions = {}): Alignment => {
  const { n, target } = c
  const m = target.nodes.length
  const slotOf = new Int32Array(m).fill(-1)
  const targetOf = new Int32Array(n).fill(-1)
  const { graph: h, slots } = decodeGraph(c.soft)
  const top = alignTop(h, target, w, options)
  for (let u = 0; u < h.nodes.length; u++) {
    const v = top.mapping[u] as number
    if (v >= 0) {
      slotOf[v] = slots[u] as number
      targetOf[slots[u] as number] = v
    }
  }

  // Step 2: free slots (not in the top-1 graph) × unmatched target nodes.
  const inTop = new Uint8Array(n)
  for (const s of slots) inTop[s] = 1
  const free: Array<number> = []
  for (let s = 0; s < n; s++) if (!inTop[s]) free.push(s)
  const open: Array<number> = []
  for (let v = 0; v < m; v++) if ((slotOf[v] as number) < 0) open.push(v)
  if (free.length > 0 && open.length > 0) {
    const f = free.length
    const o = open.length
    // Rows: spare slots, then (o − f)⁺ dummy rows (a node left unmatched);
    // columns: open nodes, then (f − o)⁺ dummy columns (a slot left unmatched).
    const size = Math.max(f, o)
    const cost = new Float64Array(size * size)
    // Target edges from/to each open node whose other end is aligned.
    const linked: Array<Array<{ readonly other: number; readonly out: boolean; readonly position: number }>> = open.map(() => [])
    const openIndex = new Int32Array(m).fill(-1)
    open.forEach((v, j) => (openIndex[v] = j))
    for (const e of target.edges) {
      const jf = openIndex[e.from] as number
      const jt = openIndex[e.to] as number
      if (jf >= 0 && (slotOf[e.to] as number) >= 0) linked[jf]!.push({ other: slotOf[e.to] as number, out: true, position: e.position })
      if (jt >= 0 && (slotOf[e.from] as number) >= 0) linked[jt]!.push({ other: slotOf[e.from] as number, out: false, position: e.position })
    }
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) {
        let value = 0
        if (i < f && j < o) {
          const s = free[i] as number
          const v = open[j] as number
          value = c.rel * mismatch(c, s, v) + c.ni * (1 - (c.X[s] as number))
          for (const l of linked[j]!) {
            const [a, b] = l.out ? [s, l.other] : [l.other, s]
            // Paired, these predicted edges price as the target edge instead of as spurious.
            value += targetEdgeCost(c, a, b, l.position) - c.ed * edgeMass(c, a, b)
          }
        } else if (i < f) value = (c.X[free[i] as number] as number) * c.nd
        else if (j < o) value = c.ni + linked[j]!.length * c.ei
        cost[i * size + j] = value
      }
    const solver = makeAssignmentSolver(size)
    solver.solve(cost, size)
    for (let i = 0; i < f; i++) {
      const j = solver.rowToCol[i] as number
      if (j < o) {
        slotOf[open[j] as number] = free[i] as number
        targetOf[free[i] as number] = open[j] as number
      }
    }
  }
  return { slotOf, targetOf, method: top.method, decoded: h, decodedSlots: slots }
}
