/**
 * Linear-time upper bounds, for graphs too large for everything else. Each is the
 * graph-edit cost (Mapping.ts) of one concrete node mapping, so it is a real edit path
 * and never below the exact distance:
 * - `positionalBound`: roots matched in order, then children matched by argument
 *   position, recursively; for forests too large for the tree edit DP;
 * - `indexBound`: node i ↦ node i; any graphs, linear time, a last resort.
 */
import type { Graph } from "../Graph.js"
import { defaultGedCosts, type GedCosts } from "./Costs.js"
import { asForest } from "./Forest.js"
import { mappingCost } from "./Mapping.js"

/** Top-down mapping by position; undefined unless both graphs are forests. */
export const positionalMapping = (a: Graph, b: Graph): Int32Array | undefined => {
  const fa = asForest(a)
  const fb = asForest(b)
  if (fa === undefined || fb === undefined) return undefined
  const mapping = new Int32Array(fa.size).fill(-1)
  const stack: Array<number> = []
  const pairUp = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number>, byPosition: boolean): void => {
    if (!byPosition) {
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) stack.push(xs[i] as number, ys[i] as number)
      return
    }
    const at = new Map<number, number>()
    for (const y of ys) if (!at.has(fb.position[y] as number)) at.set(fb.position[y] as number, y)
    for (const x of xs) {
      const y = at.get(fa.position[x] as number)
      if (y !== undefined) {
        at.delete(fa.position[x] as number)
        stack.push(x, y)
      }
    }
  }
  pairUp(fa.roots, fb.roots, false)
  while (stack.length > 0) {
    const y = stack.pop() as number
    const x = stack.pop() as number
    mapping[x] = y
    pairUp(fa.children[x] as ReadonlyArray<number>, fb.children[y] as ReadonlyArray<number>, true)
  }
  return mapping
}

export const positionalBound = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts): number | undefined => {
  const mapping = positionalMapping(a, b)
  return mapping === undefined ? undefined : mappingCost(a, b, mapping, costs)
}

export const indexBound = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts): number =>
  mappingCost(a, b, Int32Array.from({ length: a.nodes.length }, (_, i) => (i < b.nodes.length ? i : -1)), costs)
