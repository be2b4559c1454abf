/**
 * Learning tangent rules from an evaluator (BRAIN-NOTES, "L5"). The brain's own learned
 * evaluator gives every node's value at a few points of the variable, and a five-point
 * finite difference of those values gives every node's tangent; for each head, the terms
 * that express a node's tangent through its children's (./terms.ts) are found by
 * best-subset search (./subset.ts). The evaluator is a parameter: the brain passes its
 * forward pass, a test may pass any other.
 */
import type { Expr } from "../../../domain/Expr.js"
import type { Rng } from "../../../domain/Random.js"
import type { FeaturizedBatch } from "../featurize.js"
import { featurize } from "../featurize.js"
import type { TangentRules } from "./emit.js"
import { bestSubset, type Term } from "./subset.js"
import { COLUMNS, columnValues, degree, factorValues } from "./terms.js"

/** Every row's value of a featurized batch. */
export type Evaluator = (batch: FeaturizedBatch) => Float64Array

export interface TangentProblem {
  readonly expr: Expr
  readonly variable: string
  /** Free symbols of expr (constants along the variable): sampled like the variable, held fixed. */
  readonly constants?: ReadonlyArray<string>
}

/** A head's samples: rows × COLUMNS.length candidate columns, and the node's tangent. */
interface HeadSamples {
  readonly columns: Array<number>
  readonly y: Array<number>
}

export interface LearnOptions {
  /** Points per problem, drawn from [lo, hi]. */
  readonly points?: number
  readonly range?: readonly [number, number]
  /** Samples kept per head (the search's cost grows with them). */
  readonly maxSamples?: number
}

const STEP = 1e-3

/**
 * Samples every head's nodes: values u, v, node of the node and its children at points of
 * the variable, and their tangents by a five-point difference of the evaluator's values.
 */
export const sampleTangents = (
  problems: ReadonlyArray<TangentProblem>,
  evaluate: Evaluator,
  rng: Rng,
  options: LearnOptions = {}
): { readonly heads: Map<number, HeadSamples>; readonly leaves: { number: Array<number>; variable: Array<number> } } => {
  const points = options.points ?? 3
  const [lo, hi] = options.range ?? [0.3, 2.2]
  const maxSamples = options.maxSamples ?? 400
  const xs = problems.flatMap(() => Array.from({ length: points }, () => rng.uniform(lo, hi)))
  const constants = problems.flatMap((p) =>
    Array.from({ length: points }, () => (p.constants ?? []).map((name) => [name, rng.uniform(lo, hi)] as const))
  )
  // The variable is always the first binding (leaves that read it are the variable's).
  const at = (offset: number) =>
    problems.flatMap((p, k) =>
      Array.from({ length: points }, (_, j) => ({
        expr: p.expr,
        bindings: [[p.variable, (xs[k * points + j] as number) + offset] as const, ...(constants[k * points + j] ?? [])]
      }))
    )
  const batch = featurize(at(0))
  const values = evaluate(batch)
  // Five-point differences at steps h and h/2: where they disagree (near a pole, a steep
  // composition, a clamped value) the tangent is not known well enough to learn from.
  const fivePoint = (step: number): Float64Array => {
    const [p2, p1, m1, m2] = [2, 1, -1, -2].map((o) => evaluate(featurize(at(o * step)))) as [Float64Array, Float64Array, Float64Array, Float64Array]
    const d = new Float64Array(values.length)
    for (let r = 0; r < values.length; r++) d[r] = (-(p2[r] as number) + 8 * (p1[r] as number) - 8 * (m1[r] as number) + (m2[r] as number)) / (12 * step)
    return d
  }
  const tangent = fivePoint(STEP)
  const finer = fivePoint(STEP / 2)
  const reliable = new Uint8Array(values.length)
  for (let r = 0; r < values.length; r++) {
    const t = tangent[r] as number
    reliable[r] = Number.isFinite(t) && Math.abs(t - (finer[r] as number)) <= 1e-7 * (1 + Math.abs(t)) ? 1 : 0
  }
  tangent[0] = 0 // the absent-child slot
  reliable[0] = 1
  const heads = new Map<number, HeadSamples>()
  const scratch = new Float64Array(COLUMNS.length)
  for (const level of batch.levels)
    for (let j = 0; j < level.count; j++) {
      const h = level.head[j] as number
      let s = heads.get(h)
      if (s === undefined) heads.set(h, (s = { columns: [], y: [] }))
      if (s.y.length >= maxSamples) continue
      const c0 = level.child0[j] as number
      const c1 = level.child1[j] as number
      const row = level.start + j
      const y = tangent[row] as number
      if (!reliable[row] || !reliable[c0] || !reliable[c1]) continue
      const cols = columnValues(factorValues(values[c0] as number, values[c1] as number, values[row] as number), tangent[c0] as number, tangent[c1] as number, scratch)
      if (!Number.isFinite(y) || !cols.every(Number.isFinite)) continue
      s.columns.push(...cols)
      s.y.push(y)
    }
  const variableRows = new Set(Array.from(batch.symbolLeafRow).filter((_, s) => batch.symbolLeafBinding[s] === 0))
  const leaves = { number: [] as Array<number>, variable: [] as Array<number> }
  for (let r = 1; r < batch.leafCount; r++) (variableRows.has(r) ? leaves.variable : leaves.number).push(tangent[r] as number)
  return { heads, leaves }
}

const DEGREES = COLUMNS.map(degree)

/** A leaf kind's slope: the median of its tangents, rounded to halves (undefined without samples). */
const slopeOf = (tangents: ReadonlyArray<number>): number | undefined => {
  const finite = tangents.filter(Number.isFinite).sort((a, b) => a - b)
  if (finite.length === 0) return undefined
  return Math.round(2 * (finite[Math.floor(finite.length / 2)] as number)) / 2
}

/**
 * Learns the rules of the listed heads (all heads sampled when omitted) on top of `known`:
 * a head keeps its earlier rule unless it is listed and a fit is found.
 */
export const learnTangentRules = (
  problems: ReadonlyArray<TangentProblem>,
  evaluate: Evaluator,
  rng: Rng,
  known: TangentRules | undefined,
  wanted?: ReadonlySet<number>,
  options: LearnOptions = {}
): TangentRules => {
  const { heads: samples, leaves } = sampleTangents(problems, evaluate, rng, options)
  const heads = new Map<number, ReadonlyArray<Term>>(known?.heads ?? [])
  for (const [h, s] of samples) {
    if (wanted !== undefined && !wanted.has(h)) continue
    const fit = bestSubset(Float64Array.from(s.columns), Float64Array.from(s.y), COLUMNS.length, DEGREES)
    if (fit !== undefined) heads.set(h, fit.terms)
  }
  return {
    heads,
    numberSlope: slopeOf(leaves.number) ?? known?.numberSlope ?? 0,
    variableSlope: slopeOf(leaves.variable) ?? known?.variableSlope ?? 0
  }
}
