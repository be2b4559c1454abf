/**
 * Exact graph edit distance (SPEC §6) by depth-first branch and bound.
 *
 * The search assigns the nodes of `a` one at a time (in an order that keeps each new
 * node attached to the ones already placed) to a free node of `b` or to deletion; the
 * nodes of `b` left over at the end are inserted. Every partial assignment carries
 * its exact cost so far, g, and a lower bound, h, on what any completion must add:
 *
 *   h = min-cost assignment between the unplaced nodes of a and the free nodes of b
 *       (each may also be deleted / inserted), where pairing u with v costs
 *       - the node cost of u → v,
 *       - exactly, the edges between u and the nodes already placed (their images are
 *         known) and between v and the images already used,
 *       - half of a lower bound on the edges between u and other unplaced nodes versus
 *         v and other free nodes (positions matched per direction as multisets); the
 *         other half is charged at the edge's other end.
 *
 * Every completion pays at least h (each remaining edge is charged at most once in
 * full, or half at each end), so h is admissible and the search is exact. The same
 * assignment, read as a complete mapping, is an edit path: its cost tightens the
 * upper bound at every node, so most branches are cut near the root.
 */
import type { Graph } from "../Graph.js"
import { makeAssignmentSolver } from "./Assignment.js"
import { checkCosts, defaultGedCosts, type GedCosts, nodeRelabelCost } from "./Costs.js"
import { type DenseGraph, EMPTY, toDense } from "./Dense.js"
import { pairCost } from "./EdgeCost.js"
import { labelMatch } from "./Labels.js"
import { edgeCostTable } from "./Mapping.js"

export interface ExactOptions {
  /** Give up after this many search nodes and return the best edit path found. Default: no limit. */
  readonly maxExpansions?: number
}

export interface ExactResult {
  /** The minimum when `exact`, otherwise the cost of the best edit path found (an upper bound). */
  readonly distance: number
  /** Whether the search finished, i.e. `distance` is the true graph edit distance. */
  readonly exact: boolean
  /** A lower bound on the distance (the root bound; equals `distance` when `exact`). */
  readonly lowerBound: number
  /** An optimal (or the best found) node mapping: `mapping[u]` is u's image in b, or -1 for deletion. */
  readonly mapping: Int32Array
  /** Search nodes expanded. */
  readonly expansions: number
}

const UNPLACED = -2
const DELETED = -1
const slack = (ub: number): number => ub - 1e-9 * Math.max(1, Math.abs(ub))

/** Greedy order: each next node has the most edges to the nodes already placed (then the highest degree). */
const searchOrder = (g: DenseGraph): Int32Array => {
  const n = g.n
  const order = new Int32Array(n)
  const placed = new Uint8Array(n)
  const links = new Int32Array(n)
  for (let t = 0; t < n; t++) {
    let best = -1
    for (let u = 0; u < n; u++) {
      if (placed[u]) continue
      if (
        best < 0 ||
        (links[u] as number) > (links[best] as number) ||
        (links[u] === links[best] && (g.degree[u] as number) > (g.degree[best] as number))
      ) best = u
    }
    order[t] = best
    placed[best] = 1
    for (const w of g.neighbours[best] as Int32Array)
      links[w] = (links[w] as number) + (g.pos[best * n + w] as ReadonlyArray<number>).length +
        (g.pos[w * n + best] as ReadonlyArray<number>).length
  }
  return order
}

const ascending = (xs: Array<number>): Array<number> => (xs.length > 1 ? xs.sort((x, y) => x - y) : xs)

export const exactGedSearch = (
  a: Graph,
  b: Graph,
  costs: GedCosts = defaultGedCosts,
  options: ExactOptions = {}
): ExactResult => {
  checkCosts(costs)
  const A = toDense(a)
  const B = toDense(b)
  const n = A.n
  const m = B.n
  const nd = costs.nodeDeletion
  const ni = costs.nodeInsertion
  const edge = edgeCostTable(costs)
  const ed = edge.deletion
  const ei = edge.insertion
  const equal = labelMatch(a.nodes, b.nodes).equal
  const relabel = nodeRelabelCost(costs)
  const sub = new Float64Array(n * m)
  for (let u = 0; u < n; u++) for (let v = 0; v < m; v++) sub[u * m + v] = equal(u, v) ? 0 : relabel
  const posA = (x: number, y: number): ReadonlyArray<number> => A.pos[x * n + y] as ReadonlyArray<number>
  const posB = (x: number, y: number): ReadonlyArray<number> =>
    x < 0 || y < 0 ? EMPTY : (B.pos[x * m + y] as ReadonlyArray<number>)

  const order = searchOrder(A)
  const phi = new Int32Array(n).fill(UNPLACED) // image of each node of a
  const inv = new Int32Array(m).fill(-1) // preimage of each node of b, -1 while free
  const size = Math.max(n, m)
  const solver = makeAssignmentSolver(size)
  const cMat = new Float64Array(n * m)
  const dMat = new Float64Array(size * size)
  const delCost = new Float64Array(n)
  const insCost = new Float64Array(m)
  const rows = new Int32Array(n)
  const cols = new Int32Array(m)
  const trial = new Int32Array(n)
  const trialInv = new Int32Array(m)

  /** Cost of a complete mapping (every node of a placed). */
  const completeCost = (map: Int32Array): number => {
    trialInv.fill(-1)
    let total = 0
    for (let u = 0; u < n; u++) {
      const v = map[u] as number
      if (v < 0) total += nd
      else {
        trialInv[v] = u
        total += sub[u * m + v] as number
      }
    }
    for (let v = 0; v < m; v++) if ((trialInv[v] as number) < 0) total += ni
    for (const [x, y] of A.pairs) total += pairCost(posA(x, y), posB(map[x] as number, map[y] as number), edge)
    for (const [x, y] of B.pairs) {
      const px = trialInv[x] as number
      const py = trialInv[y] as number
      if (px < 0 || py < 0 || posA(px, py).length === 0) total += posB(x, y).length * ei
    }
    return total
  }

  let ub = Infinity
  let best = new Int32Array(n).fill(DELETED)
  const offer = (map: Int32Array): void => {
    const c = completeCost(map)
    if (c < ub) {
      ub = c
      best = map.slice()
    }
  }
  offer(best)

  /** Exact cost added by placing u (the k-th node of the order) at v (or deleting it). */
  const placeCost = (u: number, v: number, k: number): number => {
    let delta = (v >= 0 ? (sub[u * m + v] as number) : nd) + pairCost(posA(u, u), posB(v, v), edge)
    for (let t = 0; t < k; t++) {
      const w = order[t] as number
      const y = phi[w] as number
      const p1 = posA(u, w)
      const p2 = posA(w, u)
      if (v < 0 || y < 0) delta += (p1.length + p2.length) * ed
      else delta += pairCost(p1, posB(v, y), edge) + pairCost(p2, posB(y, v), edge)
    }
    return delta
  }

  /** Exact cost of inserting the free nodes of b and every edge touching one of them. */
  const completion = (): number => {
    let total = 0
    for (let v = 0; v < m; v++) {
      if ((inv[v] as number) >= 0) continue
      total += ni + posB(v, v).length * ei
      for (const y of B.neighbours[v] as Int32Array)
        total += (posB(v, y).length + ((inv[y] as number) >= 0 ? posB(y, v).length : 0)) * ei
    }
    return total
  }

  let p = 0 // unplaced nodes of a, in `rows`
  let q = 0 // free nodes of b, in `cols`

  /** Lower bound on the cost of completing the current partial mapping (module comment). */
  const bound = (k: number): number => {
    p = n - k
    for (let i = 0; i < p; i++) rows[i] = order[k + i] as number
    q = 0
    for (let v = 0; v < m; v++) if ((inv[v] as number) < 0) cols[q++] = v
    const outA: Array<Array<number>> = []
    const inA: Array<Array<number>> = []
    const outB: Array<Array<number>> = []
    const inB: Array<Array<number>> = []
    let total = 0
    for (let i = 0; i < p; i++) {
      const u = rows[i] as number
      let c = nd + posA(u, u).length * ed
      const out: Array<number> = []
      const inn: Array<number> = []
      for (const w of A.neighbours[u] as Int32Array) {
        const p1 = posA(u, w)
        const p2 = posA(w, u)
        if (phi[w] === UNPLACED) {
          for (const x of p1) out.push(x)
          for (const x of p2) inn.push(x)
          c += 0.5 * ed * (p1.length + p2.length)
        } else c += ed * (p1.length + p2.length)
      }
      outA.push(ascending(out))
      inA.push(ascending(inn))
      delCost[i] = c
      total += c
    }
    for (let j = 0; j < q; j++) {
      const v = cols[j] as number
      let c = ni + posB(v, v).length * ei
      const out: Array<number> = []
      const inn: Array<number> = []
      for (const y of B.neighbours[v] as Int32Array) {
        const q1 = posB(v, y)
        const q2 = posB(y, v)
        if ((inv[y] as number) < 0) {
          for (const x of q1) out.push(x)
          for (const x of q2) inn.push(x)
          c += 0.5 * ei * (q1.length + q2.length)
        } else c += ei * (q1.length + q2.length)
      }
      outB.push(ascending(out))
      inB.push(ascending(inn))
      insCost[j] = c
      total += c
    }
    const s = Math.max(p, q)
    dMat.fill(0, 0, s * s)
    for (let i = 0; i < p; i++) {
      const u = rows[i] as number
      for (let j = 0; j < q; j++) {
        const v = cols[j] as number
        let c = (sub[u * m + v] as number) + pairCost(posA(u, u), posB(v, v), edge)
        for (const w of A.neighbours[u] as Int32Array) {
          const y = phi[w] as number
          if (y === UNPLACED) continue
          if (y === DELETED) c += (posA(u, w).length + posA(w, u).length) * ed
          else c += pairCost(posA(u, w), posB(v, y), edge) + pairCost(posA(w, u), posB(y, v), edge)
        }
        for (const y of B.neighbours[v] as Int32Array) {
          const w = inv[y] as number
          if (w >= 0 && posA(u, w).length === 0 && posA(w, u).length === 0)
            c += (posB(v, y).length + posB(y, v).length) * ei
        }
        c += 0.5 * (pairCost(outA[i] as Array<number>, outB[j] as Array<number>, edge) +
          pairCost(inA[i] as Array<number>, inB[j] as Array<number>, edge))
        cMat[i * q + j] = c
        const d = c - (delCost[i] as number) - (insCost[j] as number)
        if (d < 0) dMat[i * s + j] = d
      }
    }
    total += solver.solve(dMat, s)
    // The assignment read as a complete mapping is an edit path: offer it as an upper bound.
    trial.set(phi)
    for (let i = 0; i < p; i++) {
      const j = solver.rowToCol[i] as number
      trial[rows[i] as number] = j < q && (dMat[i * s + j] as number) < 0 ? (cols[j] as number) : DELETED
    }
    offer(trial)
    return total
  }

  const maxExpansions = options.maxExpansions ?? Infinity
  let expansions = 0
  let aborted = false
  let rootBound = 0

  const search = (k: number, g: number): void => {
    if (k === n) {
      const total = g + completion()
      if (total < ub) {
        ub = total
        best = phi.slice()
      }
      return
    }
    if (expansions >= maxExpansions) {
      aborted = true
      return
    }
    expansions++
    const h = bound(k)
    if (k === 0) rootBound = h
    if (g + h >= slack(ub)) return
    // With no free node left in b, the rest of a is deleted and h is that exact cost.
    if (q === 0) {
      for (let t = k; t < n; t++) phi[order[t] as number] = DELETED
      if (g + h < ub) {
        ub = g + h
        best = phi.slice()
      }
      for (let t = k; t < n; t++) phi[order[t] as number] = UNPLACED
      return
    }
    // Children: the node's images, best first (the assignment's choice, then by pair cost).
    const u = order[k] as number
    const suggested = solver.rowToCol[0] as number
    const choices: Array<{ v: number; key: number }> = [{ v: DELETED, key: delCost[0] as number }]
    for (let j = 0; j < q; j++) choices.push({ v: cols[j] as number, key: cMat[j] as number })
    const pick = suggested < q && (dMat[suggested] as number) < 0 ? (cols[suggested] as number) : DELETED
    choices.sort((x, y) => (x.v === pick ? -1 : y.v === pick ? 1 : x.key - y.key))
    for (const { v } of choices) {
      const delta = placeCost(u, v, k)
      if (g + delta >= slack(ub)) continue
      phi[u] = v
      if (v >= 0) inv[v] = u
      search(k + 1, g + delta)
      phi[u] = UNPLACED
      if (v >= 0) inv[v] = -1
      if (aborted) return
    }
  }

  search(0, 0)
  const exact = !aborted
  return { distance: ub, exact, lowerBound: exact ? ub : Math.min(rootBound, ub), mapping: best, expansions }
}

/** The exact graph edit distance (no search budget). */
export const exactGed = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts): number =>
  exactGedSearch(a, b, costs).distance
