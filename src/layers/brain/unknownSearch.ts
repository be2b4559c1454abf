/**
 * Level 7's heads without one-operator data: in a batch with unknowns, an equation's
 * heads have no number value of their own to fit a unit on, so each is locked to the
 * candidate (a unit with its current parameters, a small affine grid, or the readout fitted
 * in log space under every sign choice) whose choice scores best on the step's answers;
 * the readout's discrete signs are searched the same way (BRAIN-NOTES: a sign is a
 * discrete choice, not a weight). Search on training data, nothing read off a symbol.
 */
import * as T from "../../tensor/index.js"
import { PATHS, READOUT, TANGENT_PATH_COUNT, type ArithmeticBrain } from "./ArithmeticBrain.js"
import type { FeaturizedBatch } from "./featurize.js"
import { isCorrectNumber } from "./objective.js"
import { leastSquares } from "./linearSolve.js"
import { unitMaps } from "./search.js"

/** Share of outputs within tolerance and the mean log(1 + relerr²), no gradients. */
const scoreOutputs = (net: ArithmeticBrain, features: FeaturizedBatch, y: Float64Array) =>
  T.noGrad(() => {
    const out = net.forward(features, { affineForcing: true }).output.data
    let hits = 0
    let loss = 0
    for (let i = 0; i < y.length; i++) {
      const v = out[i] as number
      const t = y[i] as number
      const rel = (v - t) / Math.max(1, Math.abs(t))
      if (isCorrectNumber(v, t)) hits++
      loss += Number.isFinite(rel) ? Math.log1p(rel * rel) : 1e3
    }
    return { hits, loss }
  })
const better = (a: { hits: number; loss: number }, b: { hits: number; loss: number } | undefined) =>
  b === undefined || a.hits > b.hits || (a.hits === b.hits && a.loss < b.loss)

/** A candidate for a head: its unit, that unit's parameters, and (readout) its signs [σ, s₁, s₂]. */
interface Candidate {
  readonly unit: number
  readonly parameters: ReadonlyArray<number>
  readonly signs?: ReadonlyArray<number> | undefined
}
const mapsOf = (net: ArithmeticBrain, k: number) => (k === READOUT ? [net.readout] : unitMaps(net, k))

/** Runs f with head h set to the candidate (its unit locked, its parameters fixed), then restores the head. */
const withCandidate = <A>(net: ArithmeticBrain, h: number, c: Candidate, f: () => A): A => {
  const units = net.units()
  const saved = units.map((m) => Array.from(m.fixed.data.subarray(h * m.fixed.cols, (h + 1) * m.fixed.cols)))
  const savedSigns = Array.from(net.readoutSigns.subarray(3 * h, 3 * h + 3))
  const savedPath = net.lockedPath[h] as number
  const savedSolved = net.solvedHead[h] as number
  applyCandidate(net, h, c)
  try {
    return f()
  } finally {
    units.forEach((m, i) => m.fixRow(h, saved[i] as Array<number>))
    net.readoutSigns.set(savedSigns, 3 * h)
    net.lockedPath[h] = savedPath
    net.solvedHead[h] = savedSolved
  }
}
const applyCandidate = (net: ArithmeticBrain, h: number, c: Candidate) => {
  T.noGrad(() => {
    if (net.solvedHead[h] === 0)
      for (const m of net.units()) {
        const t = m.table()
        m.fixRow(h, t.data.subarray(h * t.cols, (h + 1) * t.cols))
      }
  })
  let offset = 0
  for (const m of mapsOf(net, c.unit)) {
    m.fixRow(h, c.parameters.slice(offset, offset + m.fixed.cols))
    offset += m.fixed.cols
  }
  if (c.signs !== undefined) net.readoutSigns.set(c.signs, 3 * h)
  net.lockedPath[h] = c.unit
  net.solvedHead[h] = 1
}

/** Generic affine weights tried for every head: (w₁, w₂) ∈ {−1, 0, 1}², not both 0. */
const AFFINE_GRID = [-1, 0, 1].flatMap((w1) => [-1, 0, 1].map((w2) => [w1, w2])).filter(([w1, w2]) => w1 !== 0 || w2 !== 0)

/**
 * Candidates for head h: every unit with its current parameters, the affine grid, and the
 * readout with (c, p₁, p₂) fitted by least squares in log space to the answers of the
 * roots the head computes (ln|y| = c + p₁ ln|v| + p₂ ln|t| over their first child's pair),
 * under every sign choice.
 */
const candidatesOf = (net: ArithmeticBrain, features: FeaturizedBatch, y: Float64Array, h: number): Array<Candidate> => {
  const out: Array<Candidate> = []
  const current = T.noGrad(() => Array.from({ length: TANGENT_PATH_COUNT }, (_, k) => mapsOf(net, k).flatMap((m) => {
    const t = m.table()
    return Array.from(t.data.subarray(h * t.cols, (h + 1) * t.cols))
  })))
  for (let k = 0; k < TANGENT_PATH_COUNT; k++) out.push({ unit: k, parameters: current[k] as Array<number>, signs: k === READOUT ? Array.from(net.readoutSigns.subarray(3 * h, 3 * h + 3)) : undefined })
  const affine = PATHS.indexOf("affine")
  for (const w of AFFINE_GRID) out.push({ unit: affine, parameters: w })
  const example = new Map<number, number>()
  features.roots.forEach((r, k) => example.set(r, k))
  const rows: Array<Array<number>> = []
  const target: Array<number> = []
  T.noGrad(() => {
    const forward = net.forward(features, { affineForcing: true })
    const values = forward.values.data
    const tangents = forward.tangents?.data
    if (tangents === undefined) return
    for (const level of features.levels)
      for (let j = 0; j < level.count; j++) {
        const k = example.get(level.start + j)
        if ((level.head[j] as number) !== h || k === undefined) continue
        const c = level.child0[j] as number
        const v = values[c] as number
        const t = tangents[c] as number
        const yk = y[k] as number
        if (v !== 0 && t !== 0 && yk !== 0 && Number.isFinite(v) && Number.isFinite(t) && Number.isFinite(yk)) {
          rows.push([1, Math.log(Math.abs(v)), Math.log(Math.abs(t))])
          target.push(Math.log(Math.abs(yk)))
        }
      }
  })
  const fit = rows.length >= 3 ? leastSquares(rows, target) : undefined
  if (fit !== undefined && fit.every(Number.isFinite))
    for (const sigma of [1, -1]) for (const s1 of [1, 0]) for (const s2 of [1, 0]) out.push({ unit: READOUT, parameters: fit, signs: [sigma, s1, s2] })
  return out
}

/**
 * Heads of a batch with unknowns that have no one-operator data, one or two of them:
 * chosen jointly by search, every candidate of the first (lower) head with every candidate
 * of the second fitted after it, scored on the step's examples; the best are locked and
 * their parameters fixed. More heads: one at a time (lockByScore).
 */
export const lockJointly = (net: ArithmeticBrain, features: FeaturizedBatch, y: Float64Array, fresh: ReadonlyArray<number>): boolean => {
  if (fresh.length > 2) return false
  const height = (h: number) => features.levels.findIndex((l) => l.head.includes(h))
  const [first, second] = [...fresh].sort((a, b) => height(a) - height(b) || a - b) as [number, number | undefined]
  let best: { hits: number; loss: number; picks: Array<Candidate> } | undefined
  for (const c1 of candidatesOf(net, features, y, first))
    withCandidate(net, first, c1, () => {
      if (second === undefined) {
        const s = scoreOutputs(net, features, y)
        if (better(s, best)) best = { ...s, picks: [c1] }
        return
      }
      for (const c2 of candidatesOf(net, features, y, second)) {
        const s = withCandidate(net, second, c2, () => scoreOutputs(net, features, y))
        if (better(s, best)) best = { ...s, picks: [c1, c2] }
      }
    })
  if (best === undefined) return false
  const picks = best.picks
  applyCandidate(net, first, picks[0]!)
  if (second !== undefined) applyCandidate(net, second, picks[1]!)
  return true
}

/**
 * Heads of a batch with unknowns that have no one-operator data (their nodes' values are
 * not numbers, e.g. an equation): each is locked, in turn, to the unit whose choice scores
 * best on the step's examples (a discrete choice learned by search on training data).
 */
export const lockByScore = (net: ArithmeticBrain, features: FeaturizedBatch, y: Float64Array, fresh: ReadonlyArray<number>) => {
  // Coordinate search: every head given the others, twice (the second round sees the first's locks).
  for (const h of [...fresh, ...fresh]) {
    let best: { hits: number; loss: number; unit: number } | undefined
    for (let k = 0; k < TANGENT_PATH_COUNT; k++) {
      net.lockedPath[h] = k
      const s = scoreOutputs(net, features, y)
      if (better(s, best)) best = { ...s, unit: k }
    }
    net.lockedPath[h] = best!.unit
  }
}

/**
 * The readout unit's discrete choices (σ ∈ {−1, 1}, s₁, s₂ ∈ {0, 1}) of each listed head:
 * the combination that scores best on the step's examples. BRAIN-NOTES: a sign learned as
 * a weight sticks at +1 and loses the negative solutions; as a searched choice it does not.
 */
export const searchReadoutSigns = (net: ArithmeticBrain, features: FeaturizedBatch, y: Float64Array, heads: ReadonlyArray<number>) => {
  for (const h of heads) {
    let best: { hits: number; loss: number; choice: Array<number> } | undefined
    for (const sigma of [1, -1])
      for (const s1 of [1, 0])
        for (const s2 of [1, 0]) {
          net.readoutSigns.set([sigma, s1, s2], 3 * h)
          const s = scoreOutputs(net, features, y)
          if (better(s, best)) best = { ...s, choice: [sigma, s1, s2] }
        }
    net.readoutSigns.set(best!.choice, 3 * h)
  }
}
