/**
 * Ordered-forest view of a graph, for the tree edit distance.
 *
 * A graph is a forest when every node has at most one incoming edge and there is no
 * cycle (expression graphs are trees rooted at node 0). Children are ordered by
 * argument position (then by edge order), roots by node number. The post-order view
 * adds a virtual root above all roots, so forests and the empty graph need no special
 * case; it can also be mirrored (children right to left), which turns the
 * Zhang–Shasha left-path decomposition into a right-path one.
 */
import type { Graph } from "../Graph.js"

export interface Forest {
  readonly size: number
  readonly roots: ReadonlyArray<number>
  /** Children of each node, in argument order. */
  readonly children: ReadonlyArray<ReadonlyArray<number>>
  /** Argument position of each node under its parent (0 for roots). */
  readonly position: Int32Array
  readonly isRoot: Uint8Array
}

/** The graph as an ordered forest, or undefined when it is not one. */
export const asForest = (g: Graph): Forest | undefined => {
  const n = g.nodes.length
  const incoming: Array<{ from: number; position: number; order: number } | undefined> = new Array(n)
  let order = 0
  for (const e of g.edges) {
    if (e.from < 0 || e.from >= n || e.to < 0 || e.to >= n || e.from === e.to) return undefined
    if (incoming[e.to] !== undefined) return undefined
    incoming[e.to] = { from: e.from, position: e.position, order: order++ }
  }
  const kids: Array<Array<number>> = Array.from({ length: n }, () => [])
  const roots: Array<number> = []
  const position = new Int32Array(n)
  const isRoot = new Uint8Array(n)
  for (let v = 0; v < n; v++) {
    const inc = incoming[v]
    if (inc === undefined) {
      roots.push(v)
      isRoot[v] = 1
    } else {
      ;(kids[inc.from] as Array<number>).push(v)
      position[v] = inc.position
    }
  }
  const rank = (v: number): number => (incoming[v] as { order: number }).order
  for (const list of kids) list.sort((x, y) => (position[x] as number) - (position[y] as number) || rank(x) - rank(y))
  // Every node reachable from a root exactly once, else there is a cycle.
  let seen = 0
  const stack = [...roots]
  while (stack.length > 0) {
    const v = stack.pop() as number
    seen++
    for (const c of kids[v] as Array<number>) stack.push(c)
  }
  if (seen !== n) return undefined
  return { size: n, roots, children: kids, position, isRoot }
}

/** Post-order numbering with a virtual root (the last index, `size - 1`). */
export interface PostOrder {
  /** Number of indices, virtual root included. */
  readonly size: number
  /** Graph node at each index; -1 for the virtual root. */
  readonly node: Int32Array
  /** Index of the leftmost leaf below each index (the leftmost in traversal order when mirrored). */
  readonly leftmost: Int32Array
  /** Indices that are not on their parent's leftmost path (plus the root), ascending. */
  readonly keyroots: Int32Array
}

export const postOrder = (f: Forest, mirrored: boolean): PostOrder => {
  const size = f.size + 1
  const virtual = f.size
  const node = new Int32Array(size)
  const leftmost = new Int32Array(size)
  const indexOf = new Int32Array(size)
  const kidsOf = (v: number): ReadonlyArray<number> => (v === virtual ? f.roots : (f.children[v] as ReadonlyArray<number>))
  const childAt = (list: ReadonlyArray<number>, i: number): number =>
    list[mirrored ? list.length - 1 - i : i] as number
  // Iterative post-order: (vertex, next child to visit).
  const stackV: Array<number> = [virtual]
  const stackI: Array<number> = [0]
  let next = 0
  while (stackV.length > 0) {
    const top = stackV.length - 1
    const v = stackV[top] as number
    const i = stackI[top] as number
    const list = kidsOf(v)
    if (i < list.length) {
      stackI[top] = i + 1
      stackV.push(childAt(list, i))
      stackI.push(0)
      continue
    }
    stackV.pop()
    stackI.pop()
    const idx = next++
    indexOf[v] = idx
    node[idx] = v === virtual ? -1 : v
    leftmost[idx] = list.length === 0 ? idx : (leftmost[indexOf[childAt(list, 0)] as number] as number)
  }
  const seen = new Uint8Array(size)
  const keys: Array<number> = []
  for (let i = size - 1; i >= 0; i--) {
    const l = leftmost[i] as number
    if (!seen[l]) {
      seen[l] = 1
      keys.push(i)
    }
  }
  return { size, node, leftmost, keyroots: Int32Array.from(keys.reverse()) }
}

/** Σ over keyroots of their subtree size: Zhang–Shasha does (this for a) × (this for b) cell updates. */
export const decompositionCost = (p: PostOrder): number => {
  let total = 0
  for (const k of p.keyroots) total += k - (p.leftmost[k] as number) + 1
  return total
}
