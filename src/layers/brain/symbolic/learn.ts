/**
 * Learning tangent rules from an evaluator (BRAIN-NOTES, "L5"). The brain's own learned
 * evaluator gives every node's value at a few points of the variable, and a five-point
 * finite difference of those values gives every node's tangent; for each head, the terms
 * that express a node's tangent through its children's, over factors generated from the
 * vocabulary (./factors.ts), are found by best-subset search (./subset.ts) with exact
 * coefficients (./coefficient.ts). The evaluator is a parameter: the brain passes its
 * forward pass, a test may pass any other.
 */
import type { Expr } from "../../../domain/Expr.js"
import type { Rng } from "../../../domain/Random.js"
import type { FeaturizedBatch } from "../featurize.js"
import { featurize } from "../featurize.js"
import { arityOf, heads } from "../vocabulary.js"
import { constantTable, exactCoefficient, exactValue, rationalize, valueOf, type Constant } from "./coefficient.js"
import type { TangentRules } from "./emit.js"
import { isUnknown, monomialColumns, monomials, unknownSlot, type Atom, type Factor, type NodePoint, type RuleTerm } from "./factors.js"
import { bestSubset } from "./subset.js"
import { applyHeads, findWriter } from "./writer.js"

/** Every row's value of a featurized batch. */
export type Evaluator = (batch: FeaturizedBatch) => Float64Array

export interface TangentProblem {
  readonly expr: Expr
  readonly variable: string
  /** Free symbols of expr (constants along the variable): sampled like the variable, held fixed. */
  readonly constants?: ReadonlyArray<string>
}

/** One node at one point: its children's and its own value and tangent. */
interface TangentSample extends NodePoint {
  readonly du: number
  readonly dv: number
  readonly y: number
}

export interface LearnOptions {
  /** Points per problem, drawn from [lo, hi]. */
  readonly points?: number
  readonly range?: readonly [number, number]
  /** Samples kept per head (the search's cost grows with them). */
  readonly maxSamples?: number
  /** Heads the evaluator has learned (rules use only those); by default every head it gives finite values for. */
  readonly usable?: (head: number) => boolean
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
): { readonly heads: Map<number, Array<TangentSample>>; readonly leaves: { number: Array<number>; variable: Array<number> } } => {
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
  const samples = new Map<number, Array<TangentSample>>()
  for (const level of batch.levels)
    for (let j = 0; j < level.count; j++) {
      const h = level.head[j] as number
      let s = samples.get(h)
      if (s === undefined) samples.set(h, (s = []))
      if (s.length >= maxSamples) continue
      const c0 = level.child0[j] as number
      const c1 = level.child1[j] as number
      const row = level.start + j
      if (!reliable[row] || !reliable[c0] || !reliable[c1]) continue
      const sample = { u: values[c0] as number, v: values[c1] as number, node: values[row] as number, du: tangent[c0] as number, dv: tangent[c1] as number, y: tangent[row] as number }
      if (Object.values(sample).every(Number.isFinite)) s.push(sample)
    }
  const variableRows = new Set(Array.from(batch.symbolLeafRow).filter((_, s) => batch.symbolLeafBinding[s] === 0))
  const leaves = { number: [] as Array<number>, variable: [] as Array<number> }
  for (let r = 1; r < batch.leafCount; r++) (variableRows.has(r) ? leaves.variable : leaves.number).push(tangent[r] as number)
  return { heads: samples, leaves }
}

/** A leaf kind's slope: the median of its tangents as an exact rational (undefined without samples or none near). */
const slopeOf = (tangents: ReadonlyArray<number>): number | undefined => {
  const finite = tangents.filter(Number.isFinite).sort((a, b) => a - b)
  if (finite.length === 0) return undefined
  const r = rationalize(finite[Math.floor(finite.length / 2)] as number)
  return r === undefined ? undefined : r.num / r.den
}

/** The heads an evaluator gives finite values for at a probe point. */
export const finiteHeads = (evaluate: Evaluator): ((head: number) => boolean) => {
  const rows = heads.map((_, h) => h)
  const values = applyHeads(evaluate, rows.map((head) => ({ head, args: arityOf(head) === 1 ? [0.7] : [1.3, 0.7] })))
  return (h) => Number.isFinite(values[h] as number)
}

/** The candidate monomials of a head's tangent rule: children, node and their inverses; one vocabulary head applied. */
const candidateMonomials = (unary: boolean, usable: (h: number) => boolean): Array<ReadonlyArray<Factor>> => {
  const slots: ReadonlyArray<0 | 1> = unary ? [0] : [0, 1]
  const both = (atom: Atom): Array<Factor> => [{ atom, power: 1 }, { atom, power: -1 }]
  const simple = [...slots.flatMap((slot) => both({ kind: "child", slot })), ...both({ kind: "node" })]
  const rows = heads.map((_, h) => h).filter(usable)
  const applied: Array<Factor> = [
    ...rows.filter((h) => arityOf(h) === 1).flatMap((head) => slots.map((slot) => ({ atom: { kind: "applied", head, slot } as Atom, power: 1 as const }))),
    ...(unary ? [] : rows.filter((h) => arityOf(h) === 2).map((head) => ({ atom: { kind: "pair", head, by: -1 } as Atom, power: 1 as const })))
  ]
  return monomials(simple, applied, 2, 3)
}

/**
 * A head's rule from its samples: for each child slot, the fit on the samples where only
 * that child's tangent moves (the clean ones: the brain's exploration trees give them),
 * then the two together checked on every sample.
 */
const fitHead = (samples: ReadonlyArray<TangentSample>, unary: boolean, evaluate: Evaluator, usable: (h: number) => boolean, constants: ReadonlyArray<Constant>): Array<RuleTerm> | undefined => {
  const ms = candidateMonomials(unary, usable)
  const columns = monomialColumns(ms, samples, evaluate)
  const exact = exactValue(constants)
  const terms: Array<RuleTerm> = []
  for (const slot of unary ? ([0] as const) : ([0, 1] as const)) {
    const mine = samples.map((s, i) => ({ s, i })).filter(({ s }) => (slot === 0 ? s.dv === 0 && s.du !== 0 : s.du === 0 && s.dv !== 0))
    // A child whose tangent never moves needs no term; one that moves only beside the
    // other's cannot be told apart from it (exploration trees give such samples).
    if (mine.length < 8) {
      if (samples.every((s) => (slot === 0 ? s.du : s.dv) === 0)) continue
      return undefined
    }
    const rows = new Float64Array(mine.length * ms.length)
    mine.forEach(({ s, i }, r) => ms.forEach((_, c) => (rows[r * ms.length + c] = ((columns[c] as Float64Array)[i] as number) * (slot === 0 ? s.du : s.dv))))
    const fit = bestSubset(rows, Float64Array.from(mine, ({ s }) => s.y), ms.length, ms.map((m) => m.length), { maxTerms: 2, exact })
    if (fit === undefined) {
      // Known for one child only (the other needs a head not learned yet): the rule says so.
      terms.push(unknownSlot(slot))
      continue
    }
    for (const t of fit.terms) {
      const coefficient = exactCoefficient(t.coefficient, constants)
      if (coefficient === undefined) return undefined
      terms.push({ slot, factors: ms[t.column] as ReadonlyArray<Factor>, coefficient })
    }
  }
  if (terms.every(isUnknown)) return undefined
  // Both slots together, on every sample where each moving child's tangent is known.
  const unknownSlots = terms.filter(isUnknown).map((t) => t.slot)
  const known = terms.filter((t) => !isUnknown(t)).map((t) => ({ slot: t.slot, c: valueOf(t.coefficient, constants), values: columns[ms.indexOf(t.factors)] as Float64Array }))
  let hits = 0
  let count = 0
  samples.forEach((s, i) => {
    if (unknownSlots.some((slot) => (slot === 0 ? s.du : s.dv) !== 0)) return
    count++
    let sum = 0
    for (const t of known) sum += t.c * (t.values[i] as number) * (t.slot === 0 ? s.du : s.dv)
    if (Math.abs(sum - s.y) <= 1e-5 * (1 + Math.abs(s.y))) hits++
  })
  return hits >= 0.95 * count ? terms : undefined
}

/**
 * Learns the rules of the listed heads (all heads sampled when omitted) on top of `known`:
 * a head keeps its earlier rule unless it is listed and a fit is found. Without heads to
 * write sums, products and quotients with (./writer.ts) nothing is learned.
 */
export const learnTangentRules = (
  problems: ReadonlyArray<TangentProblem>,
  evaluate: Evaluator,
  rng: Rng,
  known: TangentRules | undefined,
  wanted?: ReadonlySet<number>,
  options: LearnOptions = {}
): TangentRules | undefined => {
  const usable = options.usable ?? finiteHeads(evaluate)
  const writer = findWriter(evaluate, usable)
  if (writer === undefined) return known
  const constants = constantTable(evaluate, usable)
  const { heads: samples, leaves } = sampleTangents(problems, evaluate, rng, options)
  const rules = new Map<number, ReadonlyArray<RuleTerm>>(known?.heads ?? [])
  for (const [h, s] of samples) {
    if (wanted !== undefined && !wanted.has(h)) continue
    const fit = fitHead(s, arityOf(h) === 1, evaluate, usable, constants)
    if (fit !== undefined) rules.set(h, fit)
  }
  return {
    heads: rules,
    numberSlope: slopeOf(leaves.number) ?? known?.numberSlope ?? 0,
    variableSlope: slopeOf(leaves.variable) ?? known?.variableSlope ?? 0,
    writer
  }
}
