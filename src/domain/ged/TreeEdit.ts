/**
 * Tree edit distance priced as a graph edit: the upper bound `ged` uses above its
 * exact limit (SPEC §6).
 *
 * It is the minimum, over *constrained* ordered tree mappings (Zhang, "A constrained
 * edit distance between unordered labeled trees", Algorithmica 15, 1996, here on
 * ordered trees: ancestor and sibling order preserved, disjoint subtrees go to
 * disjoint subtrees), of the graph-edit cost of the mapping (Mapping.ts). The costs
 * are honest, unlike the classic script costs (ZhangShasha.ts): an edge survives only
 * when its parent and child are mapped onto a parent and child of the other tree, so
 * deleting an inner node deletes its child edges and the new edges to its children
 * are inserted. Every value below is therefore the cost of a concrete edit path,
 * and the result is never below the exact distance.
 *
 * Tables over node pairs (x in a, y in b), each excluding the edges from x and y up
 * to their parents, which the caller prices:
 *   DT(x,y)  T(x) against T(y)                = min(M, x deleted, y inserted)
 *   M(x,y)   … with x ↦ y                     = relabel + DFm(x,y)
 *   DFm(x,y) the children forests when x ↦ y  = min(child alignment, one side's
 *            children all go under one inserted/deleted child of the other side)
 *   DF0(x,y) the children forests when their top edges cannot survive (same options)
 *   S(x,y)   a child pair aligned under mapped parents
 *            = min(M + position relabel, DT + edge deletion + edge insertion)
 * A virtual root above each forest makes forests and empty graphs ordinary.
 * Post-order over both trees, iterative; time O(|a|·|b|) times small degree factors
 * (an alignment of child lists per pair), memory three |a|·|b| float tables.
 */
import type { Graph } from "../Graph.js"
import { checkCosts, defaultGedCosts, edgeRelabelCost, type GedCosts, nodeRelabelCost } from "./Costs.js"
import { asForest, type Forest, postOrder } from "./Forest.js"
import { labelTable } from "./Labels.js"

/** One forest renumbered in post-order (children before parents, the virtual root last). */
interface Side {
  /** Children in CSR form: those of i are `kids[start[i] .. start[i + 1])`. */
  readonly start: Int32Array
  readonly kids: Int32Array
  /** Whole subtree removed (nodes and inner edges, not its own parent edge). */
  readonly tree: Float64Array
  /** Σ over children of (tree + the child's edge). */
  readonly childTrees: Float64Array
  /** Graph node at each index (-1 for the virtual root). */
  readonly node: Int32Array
  readonly position: Int32Array
}

const side = (f: Forest, nodeCost: number, edgeCost: number): Side => {
  const { node } = postOrder(f, false)
  const size = node.length
  const indexOf = new Int32Array(size)
  node.forEach((v, i) => {
    indexOf[v < 0 ? f.size : v] = i
  })
  const start = new Int32Array(size + 1)
  const kids = new Int32Array(f.size)
  const tree = new Float64Array(size)
  const childTrees = new Float64Array(size)
  const position = new Int32Array(size)
  let next = 0
  for (let i = 0; i < size; i++) {
    const v = node[i] as number
    const list = v < 0 ? f.roots : (f.children[v] as ReadonlyArray<number>)
    if (v >= 0) position[i] = f.position[v] as number
    start[i] = next
    let sum = 0
    for (const c of list) {
      const ci = indexOf[c] as number
      kids[next++] = ci
      sum += (tree[ci] as number) + edgeCost
    }
    childTrees[i] = sum
    tree[i] = nodeCost + sum
  }
  start[size] = next
  return { start, kids, tree, childTrees, node, position }
}

/** Undefined unless both graphs are forests. */
export const treeEditDistance = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts): number | undefined => {
  checkCosts(costs)
  const fa = asForest(a)
  const fb = asForest(b)
  if (fa === undefined || fb === undefined) return undefined
  const nd = costs.nodeDeletion
  const ni = costs.nodeInsertion
  const ed = costs.edgeDeletion
  const ei = costs.edgeInsertion
  const relabel = nodeRelabelCost(costs)
  const edgeRelabel = edgeRelabelCost(costs)
  const { classA, classB, columns, table } = labelTable(a.nodes, b.nodes)
  const A = side(fa, nd, ed)
  const B = side(fb, ni, ei)
  const posA = A.position
  const posB = B.position
  const vA = fa.size // the virtual roots come last in post-order
  const vB = fb.size
  const W = vB + 1
  const cells = (vA + 1) * W
  const DT = new Float64Array(cells)
  const S = new Float64Array(cells)
  const DF0 = new Float64Array(cells)
  const labelA = Int32Array.from(A.node, (v) => (v < 0 ? 0 : (classA[v] as number) * columns))
  const labelB = Int32Array.from(B.node, (v) => (v < 0 ? 0 : (classB[v] as number)))
  let maxDegree = 0
  for (let v = 0; v <= vB; v++) maxDegree = Math.max(maxDegree, (B.start[v + 1] as number) - (B.start[v] as number))
  let prev = new Float64Array(maxDegree + 1)
  let cur = new Float64Array(maxDegree + 1)
  const treeA = A.tree
  const treeB = B.tree
  const kidsA = A.kids
  const kidsB = B.kids
  const startA = A.start
  const startB = B.start
  const degA = (v: number): number => (startA[v + 1] as number) - (startA[v] as number)
  const degB = (v: number): number => (startB[v + 1] as number) - (startB[v] as number)
  /**
   * The edit distance between the child sequences kidsA[xFirst …] (k children) and
   * kidsB[yFirst …] (l children), whose symbols are subtrees: deleting a child costs its
   * tree plus `deleteEdge`, inserting one its tree plus `insertEdge`, and keeping child
   * xi as yj costs keep[xi * W + yj].
   */
  const alignChildren = (xFirst: number, k: number, yFirst: number, l: number, deleteEdge: number, insertEdge: number, keep: Float64Array): number => {
    prev[0] = 0
    for (let j = 0; j < l; j++) prev[j + 1] = (prev[j] as number) + (treeB[kidsB[yFirst + j] as number] as number) + insertEdge
    for (let i = 0; i < k; i++) {
      const xi = kidsA[xFirst + i] as number
      const del = (treeA[xi] as number) + deleteEdge
      const base = xi * W
      cur[0] = (prev[0] as number) + del
      for (let j = 0; j < l; j++) {
        const yj = kidsB[yFirst + j] as number
        cur[j + 1] = Math.min(
          (prev[j + 1] as number) + del,
          (cur[j] as number) + (treeB[yj] as number) + insertEdge,
          (prev[j] as number) + (keep[base + yj] as number)
        )
      }
      const swap = prev
      prev = cur
      cur = swap
    }
    return prev[l] as number
  }

  for (let x = 0; x <= vA; x++) {
    const xFirst = startA[x] as number
    const k = degA(x)
    const xTop = A.childTrees[x] as number
    const xTop0 = xTop - k * ed // Σ tree(child), top edges excluded
    const row = x * W
    const xClass = labelA[x] as number
    for (let y = 0; y <= vB; y++) {
      const yFirst = startB[y] as number
      const l = degB(y)
      const yTop = B.childTrees[y] as number
      const yTop0 = yTop - l * ei

      // DF0: top edges never survive (and are priced by the caller).
      let df0 = alignChildren(xFirst, k, yFirst, l, 0, 0, DT)
      for (let j = 0; j < l; j++) {
        const yt = kidsB[yFirst + j] as number
        df0 = Math.min(df0, ni + yTop0 - (treeB[yt] as number) + degB(yt) * ei + (DF0[row + yt] as number))
      }
      for (let i = 0; i < k; i++) {
        const xs = kidsA[xFirst + i] as number
        df0 = Math.min(df0, nd + xTop0 - (treeA[xs] as number) + degA(xs) * ed + (DF0[xs * W + y] as number))
      }
      DF0[row + y] = df0
      if (x === vA || y === vB) continue

      // DFm: x ↦ y, so a child edge survives when its child is mapped onto a child of y.
      let dfm = alignChildren(xFirst, k, yFirst, l, ed, ei, S)
      let ins = Infinity
      for (let j = 0; j < l; j++) {
        const yt = kidsB[yFirst + j] as number
        const rest = ni + yTop - (treeB[yt] as number)
        dfm = Math.min(dfm, rest + k * ed + degB(yt) * ei + (DF0[row + yt] as number))
        ins = Math.min(ins, rest + (DT[row + yt] as number))
      }
      let del = Infinity
      for (let i = 0; i < k; i++) {
        const xs = kidsA[xFirst + i] as number
        const rest = nd + xTop - (treeA[xs] as number)
        dfm = Math.min(dfm, rest + l * ei + degA(xs) * ed + (DF0[xs * W + y] as number))
        del = Math.min(del, rest + (DT[xs * W + y] as number))
      }
      const m = (table[xClass + (labelB[y] as number)] === 1 ? 0 : relabel) + dfm
      const dt = Math.min(m, ins, del)
      DT[row + y] = dt
      S[row + y] = Math.min(m + (posA[x] === posB[y] ? 0 : edgeRelabel), dt + ed + ei)
    }
  }
  return DF0[vA * W + vB] as number
}
