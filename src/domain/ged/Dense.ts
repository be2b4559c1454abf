/**
 * Dense form of a small graph for the exact search: the positions of the edges
 * between every ordered pair of nodes, each node's distinct neighbours, and the list
 * of non-empty pairs. Memory is n², so this is only for graphs of a few dozen nodes.
 */
import type { Graph } from "../Graph.js"
import { edgePairs } from "./Mapping.js"

export const EMPTY: ReadonlyArray<number> = []

export interface DenseGraph {
  readonly n: number
  /** `pos[x * n + y]`: ascending positions of the edges x → y (EMPTY when none). */
  readonly pos: ReadonlyArray<ReadonlyArray<number>>
  /** Distinct neighbours of each node, either direction, excluding itself. */
  readonly neighbours: ReadonlyArray<Int32Array>
  /** Number of edge ends at each node (a self-loop counts once). */
  readonly degree: Int32Array
  /** Non-empty ordered pairs as [from, to]. */
  readonly pairs: ReadonlyArray<readonly [number, number]>
}

export const toDense = (g: Graph): DenseGraph => {
  const n = g.nodes.length
  const pos: Array<ReadonlyArray<number>> = new Array<ReadonlyArray<number>>(n * n).fill(EMPTY)
  const sets: Array<Set<number>> = Array.from({ length: n }, () => new Set<number>())
  const degree = new Int32Array(n)
  const pairs: Array<readonly [number, number]> = []
  for (const [key, positions] of edgePairs(g)) {
    pos[key] = positions
    const x = Math.floor(key / n)
    const y = key % n
    pairs.push([x, y])
    degree[x] = (degree[x] as number) + positions.length
    if (x !== y) {
      degree[y] = (degree[y] as number) + positions.length
      ;(sets[x] as Set<number>).add(y)
      ;(sets[y] as Set<number>).add(x)
    }
  }
  return { n, pos, neighbours: sets.map((s) => Int32Array.from([...s].sort((p, q) => p - q))), degree, pairs }
}
