/**
 * One structural-loss call's inputs as plain arrays: the soft graph's data, the target's
 * labels as vocabulary columns and numbers, and the per-pair quantities both the
 * alignment and the kernel use (label mismatch μ, the expected cost of a target edge).
 * Formulas: docs/loss.md.
 */
import { type Graph, labelNumber } from "../../domain/Graph.js"
import type { LossWeights, SoftGraph } from "../../services/Loss.js"
import { rho } from "./NumberLoss.js"
import { labelColumn, softGraphShape } from "./SoftGraph.js"

export interface Prepared {
  readonly soft: SoftGraph
  readonly target: Graph
  readonly n: number
  readonly K: number
  readonly P: number
  /** labels [n·K], values [n], existence [n], edges [n·n·P] (edges[c·nP + j·P + p]: j → c at p). */
  readonly L: Float64Array
  readonly V: Float64Array
  readonly X: Float64Array
  readonly E: Float64Array
  /** Per target node: its vocabulary column (-1 when absent), whether it is a number, its value and 1/max(1, |y|). */
  readonly col: Int32Array
  readonly isNumber: Uint8Array
  readonly y: Float64Array
  readonly inv: Float64Array
  /** Weights. */
  readonly ni: number
  readonly nd: number
  readonly ei: number
  readonly ed: number
  /** Node relabel (ni + nd)/2 and edge relabel (ei + ed)/2 (SPEC §6). */
  readonly rel: number
  readonly erel: number
  readonly cw: number
}

export const prepare = (soft: SoftGraph, target: Graph, w: LossWeights): Prepared => {
  for (const [key, value] of Object.entries(w))
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw new RangeError(`loss weight ${key} must be a finite number ≥ 0, got ${String(value)}`)
  const { n, K, P } = softGraphShape(soft)
  const m = target.nodes.length
  const seen = new Set<number>()
  for (const e of target.edges) {
    if (e.from < 0 || e.from >= m || e.to < 0 || e.to >= m) throw new RangeError(`target edge ${e.from}→${e.to} leaves the graph`)
    if (!(Number.isInteger(e.position) && e.position >= 0)) throw new RangeError(`target edge ${e.from}→${e.to} has position ${e.position}`)
    const key = e.from * m + e.to
    if (seen.has(key)) throw new RangeError(`target has two edges ${e.from}→${e.to} (an expression graph has at most one)`)
    seen.add(key)
  }
  const col = new Int32Array(m)
  const isNumber = new Uint8Array(m)
  const y = new Float64Array(m)
  const inv = new Float64Array(m)
  target.nodes.forEach((label, v) => {
    col[v] = labelColumn(soft.vocabulary, label)
    const value = labelNumber(label)
    if (value !== undefined) {
      isNumber[v] = 1
      y[v] = value
      inv[v] = 1 / Math.max(1, Math.abs(value))
    }
  })
  return {
    soft,
    target,
    n,
    K,
    P,
    L: soft.labels.data,
    V: soft.values.data,
    X: soft.existence.data,
    E: soft.edges.data,
    col,
    isNumber,
    y,
    inv,
    ni: w.nodeInsertion,
    nd: w.nodeDeletion,
    ei: w.edgeInsertion,
    ed: w.edgeDeletion,
    rel: (w.nodeInsertion + w.nodeDeletion) / 2,
    erel: (w.edgeInsertion + w.edgeDeletion) / 2,
    cw: w.cliqueWeight
  }
}

/** Relative error of slot s's value against number node v. */
export const relError = (c: Prepared, s: number, v: number): number =>
  ((c.V[s] as number) - (c.y[v] as number)) * (c.inv[v] as number)

/**
 * μ(s, v): how much slot s's label is not node v's — 1 − P(label) for a symbol,
 * operator or function; (1 − P(Number)) + P(Number)·ρ(e) for a number; 1 when the
 * label is not in the vocabulary.
 */
export const mismatch = (c: Prepared, s: number, v: number): number => {
  const k = c.col[v] as number
  if (k < 0) return 1
  const p = c.L[s * c.K + k] as number
  return c.isNumber[v] ? 1 - p + p * rho(relError(c, s, v)) : 1 - p
}

/** Probability of the edge a → b at position p: E[b, a·P + p] (0 when p ≥ P). */
export const edgeProbability = (c: Prepared, a: number, b: number, p: number): number =>
  p >= c.P ? 0 : (c.E[b * c.n * c.P + a * c.P + p] as number)

/**
 * Expected cost of a target edge at position p' whose ends are aligned with slots a → b,
 * over the predicted edges a → b at every position (independent, probabilities q_p):
 *   f = ed·Σ_{p≠p'} q_p + ei·(1 − q_p') − erel·(1 − q_p')·(1 − Π_{p≠p'}(1 − q_p))
 * (the edge kept: 0; missing: ei; only at other positions: one relabel, the rest deleted).
 */
export const targetEdgeCost = (c: Prepared, a: number, b: number, position: number): number => {
  let sw = 0
  let z = 1
  for (let p = 0; p < c.P; p++) {
    if (p === position) continue
    const q = edgeProbability(c, a, b, p)
    sw += q
    z *= 1 - q
  }
  const t = edgeProbability(c, a, b, position)
  return c.ed * sw + c.ei * (1 - t) - c.erel * (1 - t) * (1 - z)
}

/** Σ_p q_p over the predicted edges a → b. */
export const edgeMass = (c: Prepared, a: number, b: number): number => {
  let s = 0
  for (let p = 0; p < c.P; p++) s += edgeProbability(c, a, b, p)
  return s
}
