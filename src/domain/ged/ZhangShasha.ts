/**
 * Zhang–Shasha ordered tree edit distance (SIAM J. Comput. 18(6), 1989) on the GED
 * costs, with the edit script's node mapping.
 *
 * Edges follow their child node, which makes every cost local to one node:
 *   delete x        nodeDeletion  + edgeDeletion  (if x has a parent edge)
 *   insert y        nodeInsertion + edgeInsertion (if y has a parent edge)
 *   substitute x→y  node relabel cost if the labels differ
 *                   + edge relabel cost if the argument positions differ
 *                   (+ edgeDeletion / edgeInsertion when only one of them is a root).
 * Those local costs assume a mapped node's parent edge survives. It does not when the
 * parent was deleted or inserted (the tree script splices children onto the
 * grandparent, which as a graph edit is one edge deleted and another inserted), so
 * this distance can be *below* the graph edit distance: (sin (cos x)) → (sin x) is
 * 1.5 here, 2.5 as a graph edit. `zhangShashaBound` below therefore prices
 * the mapping found here as a graph edit path, which is a true upper bound.
 *
 * Iterative, O(|a|·|b|) memory (two float tables), time O(|a|·|b|·d_a·d_b) with d the
 * number of keyroots on a path; the trees are mirrored when a right-path
 * decomposition is cheaper (right-leaning combs).
 */
import type { Graph } from "../Graph.js"
import { checkCosts, defaultGedCosts, edgeRelabelCost, type GedCosts, nodeRelabelCost } from "./Costs.js"
import { asForest, decompositionCost, type Forest, type PostOrder, postOrder } from "./Forest.js"
import { labelMatch } from "./Labels.js"
import { mappingCost } from "./Mapping.js"

export interface ZhangShashaResult {
  /** Minimum ordered tree edit cost under the local costs above. */
  readonly distance: number
  /** The edit script as a node mapping: `mapping[u]` is u's image in b, -1 when deleted. */
  readonly mapping: Int32Array
}

/** Cost of an operation that must never be chosen (touching a virtual root). */
const FORBIDDEN = 1e12

/** Post-order views of both forests, mirrored when that makes the decomposition cheaper. */
export const zhangShashaOrders = (fa: Forest, fb: Forest): { readonly a: PostOrder; readonly b: PostOrder } => {
  const left = { a: postOrder(fa, false), b: postOrder(fb, false) }
  const right = { a: postOrder(fa, true), b: postOrder(fb, true) }
  return decompositionCost(right.a) * decompositionCost(right.b) <
      decompositionCost(left.a) * decompositionCost(left.b)
    ? right
    : left
}

/** Undefined unless both graphs are forests. */
export const zhangShasha = (
  a: Graph,
  b: Graph,
  costs: GedCosts = defaultGedCosts
): ZhangShashaResult | undefined => {
  checkCosts(costs)
  const fa = asForest(a)
  const fb = asForest(b)
  if (fa === undefined || fb === undefined) return undefined
  const { a: pa, b: pb } = zhangShashaOrders(fa, fb)
  const N = pa.size
  const M = pb.size
  const W = M + 1
  const la = pa.leftmost
  const lb = pb.leftmost
  const equal = labelMatch(a.nodes, b.nodes).equal
  const nodeRelabel = nodeRelabelCost(costs)
  const edgeRelabel = edgeRelabelCost(costs)

  const delC = new Float64Array(N)
  const insC = new Float64Array(M)
  for (let i = 0; i < N; i++) {
    const u = pa.node[i] as number
    delC[i] = u < 0 ? FORBIDDEN : costs.nodeDeletion + (fa.isRoot[u] ? 0 : costs.edgeDeletion)
  }
  for (let j = 0; j < M; j++) {
    const v = pb.node[j] as number
    insC[j] = v < 0 ? FORBIDDEN : costs.nodeInsertion + (fb.isRoot[v] ? 0 : costs.edgeInsertion)
  }
  const ren = (i: number, j: number): number => {
    const u = pa.node[i] as number
    const v = pb.node[j] as number
    if (u < 0 || v < 0) return u === v ? 0 : FORBIDDEN
    const label = equal(u, v) ? 0 : nodeRelabel
    const ru = fa.isRoot[u] === 1
    const rv = fb.isRoot[v] === 1
    const edge = ru && rv ? 0
      : ru ? costs.edgeInsertion
      : rv ? costs.edgeDeletion
      : fa.position[u] === fb.position[v] ? 0
      : edgeRelabel
    return label + edge
  }

  const td = new Float64Array(N * M)
  const fd = new Float64Array((N + 1) * W)
  // fd row r holds the prefix forest ending at index r - 1; row l(i) is the empty prefix.
  const fill = (i: number, j: number): void => {
    const li = la[i] as number
    const lj = lb[j] as number
    fd[li * W + lj] = 0
    for (let x = li; x <= i; x++) fd[(x + 1) * W + lj] = (fd[x * W + lj] as number) + (delC[x] as number)
    for (let y = lj; y <= j; y++) fd[li * W + y + 1] = (fd[li * W + y] as number) + (insC[y] as number)
    for (let x = li; x <= i; x++) {
      const lx = la[x] as number
      const dx = delC[x] as number
      for (let y = lj; y <= j; y++) {
        const ly = lb[y] as number
        const del = (fd[x * W + y + 1] as number) + dx
        const ins = (fd[(x + 1) * W + y] as number) + (insC[y] as number)
        if (lx === li && ly === lj) {
          const sub = (fd[x * W + y] as number) + ren(x, y)
          const v = Math.min(del, ins, sub)
          fd[(x + 1) * W + y + 1] = v
          td[x * M + y] = v
        } else {
          const sub = (fd[lx * W + ly] as number) + (td[x * M + y] as number)
          fd[(x + 1) * W + y + 1] = Math.min(del, ins, sub)
        }
      }
    }
  }

  for (const i of pa.keyroots) for (const j of pb.keyroots) fill(i, j)
  const distance = td[(N - 1) * M + (M - 1)] as number

  // Trace the script back, one subtree pair at a time (each recomputes its table).
  const mapping = new Int32Array(a.nodes.length).fill(-1)
  const stack: Array<number> = [N - 1, M - 1]
  while (stack.length > 0) {
    const j = stack.pop() as number
    const i = stack.pop() as number
    fill(i, j)
    const li = la[i] as number
    const lj = lb[j] as number
    let x = i
    let y = j
    while (x >= li || y >= lj) {
      if (x < li) {
        y--
        continue
      }
      if (y < lj) {
        x--
        continue
      }
      const cur = fd[(x + 1) * W + y + 1] as number
      const lx = la[x] as number
      const ly = lb[y] as number
      if (lx === li && ly === lj) {
        if (cur === (fd[x * W + y] as number) + ren(x, y)) {
          const u = pa.node[x] as number
          if (u >= 0) mapping[u] = pb.node[y] as number
          x--
          y--
          continue
        }
      } else if (cur === (fd[lx * W + ly] as number) + (td[x * M + y] as number)) {
        stack.push(x, y)
        x = lx - 1
        y = ly - 1
        continue
      }
      if (cur === (fd[x * W + y + 1] as number) + (delC[x] as number)) x--
      else y--
    }
  }
  return { distance, mapping }
}

/**
 * The Zhang–Shasha script priced as a graph edit path (Mapping.ts): an upper bound on
 * the graph edit distance. Undefined unless both graphs are forests.
 */
export const zhangShashaBound = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts): number | undefined => {
  const zs = zhangShasha(a, b, costs)
  return zs === undefined ? undefined : mappingCost(a, b, zs.mapping, costs)
}
