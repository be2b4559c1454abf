/**
 * Choosing each head's unit by search (BRAIN-NOTES: "choosing each op's path is the
 * bottleneck — search paths per op ... before the precision stage"). When a head's gate
 * is about to be locked, every unit is scored on the head's one-operator data of the
 * step (each node of that head with its children's and its own target values, i.e.
 * teacher forcing), with several candidate parameter vectors per unit:
 *
 *   - the unit's current parameters for the head (what the warm-up learned);
 *   - generic fits from the data alone: least squares in each unit's linear
 *     coordinates (affine; log-linear for the power, exponent and exp units; linear in
 *     ln|a| for the log unit), every 0/1 setting of the product and sign gates, and for
 *     the periodic units a grid of frequencies with amplitude and phase (or, for the
 *     ratio, both sines) solved by least squares at each frequency.
 *
 * The candidate that fits the most nodes within SPEC §6's tolerance wins (then the
 * lower mean log(1 + relerr²), then the lower unit index); the head's embedding rows
 * are set so that its maps give those parameters, and its gate is locked to that unit.
 * The candidates are the same for every head: nothing here knows what a head means.
 */
import * as T from "../../tensor/index.js"
import type { ArithmeticBrain } from "./ArithmeticBrain.js"
import type { FeaturizedBatch } from "./featurize.js"
import { leastSquares, smallestDirection, solve } from "./linearSolve.js"
import { lnAbs, unitValue as unitFormula } from "./units/formulas.js"
import { PATH_COUNT, PATHS } from "./units/paths.js"

/** One-operator data of a head: first child, second child (1 if absent), value. */
export interface Samples {
  readonly a: Array<number>
  readonly b: Array<number>
  readonly y: Array<number>
}

/** Nodes of the listed heads whose value and children's values are all known (teacher targets). */
export const teacherSamples = (batch: FeaturizedBatch, heads: ReadonlySet<number>): Map<number, Samples> => {
  const out = new Map<number, Samples>()
  const t = batch.nodeTargets
  if (t === undefined) return out
  for (const level of batch.levels)
    for (let j = 0; j < level.count; j++) {
      const h = level.head[j] as number
      if (!heads.has(h)) continue
      const c1 = level.child1[j] as number
      const a = t[level.child0[j] as number] as number
      const b = c1 === 0 ? 1 : (t[c1] as number)
      const y = t[level.start + j] as number
      if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(y)) continue
      let s = out.get(h)
      if (s === undefined) out.set(h, (s = { a: [], b: [], y: [] }))
      s.a.push(a)
      s.b.push(b)
      s.y.push(y)
    }
  return out
}

/** Unit k with parameters p as a function of (a, b), for k < PATH_COUNT. */
const unitAt = (k: number, p: ArrayLike<number>): ((a: number, b: number) => number) => {
  const P = Float64Array.from(p)
  return (a, b) => unitFormula(k, a, b, P, 0)
}

/**
 * Unit k's value at (a, b) with its parameters p (the concatenation of its maps' outputs):
 * the fused ops' formulas (test/brain/search.test.ts checks they agree with the forward pass).
 */
export const unitValue = (k: number, p: ArrayLike<number>, a: number, b: number): number =>
  k >= 0 && k < PATH_COUNT ? unitAt(k, p)(a, b) : NaN

/** The head maps whose outputs, concatenated, are unit k's parameters. */
export const unitMaps = (net: ArithmeticBrain, k: number) => {
  switch (PATHS[k]) {
    case "affine":
      return [net.affine]
    case "product":
      return [net.product]
    case "power-product":
      return [net.powers, net.signs]
    case "exponent":
      return [net.rate, net.omega]
    case "sine":
      return [net.sine]
    case "exponential":
      return [net.expo]
    case "logarithm":
      return [net.logarithm]
    default:
      return [net.ratio]
  }
}

/** The frequency grid of the periodic units: 0.25, 0.5, …, 4. */
export const FREQUENCIES = Array.from({ length: 16 }, (_, i) => 0.25 * (i + 1))
const GATE = [-3, 3]

/** Candidate parameter vectors of unit k fitted to the samples (besides the current ones). */
const fitted = (k: number, s: Samples, current: ReadonlyArray<number>): Array<Array<number>> => {
  const { a, b, y } = s
  const out: Array<Array<number>> = []
  const push = (p: Array<number> | undefined) => {
    if (p !== undefined && p.every(Number.isFinite)) out.push(p)
  }
  const la = a.map(lnAbs)
  const lb = b.map(lnAbs)
  const ly = y.map((v) => (v === 0 ? NaN : Math.log(Math.abs(v))))
  const nonzero = (i: number) => a[i] !== 0 && b[i] !== 0 && y[i] !== 0
  switch (PATHS[k]) {
    case "affine":
      push(leastSquares(a.map((v, i) => [v, b[i] as number]), y))
      break
    case "product":
      for (const z1 of GATE) for (const z2 of GATE) push([z1, z2])
      break
    case "power-product": {
      const idx = a.map((_, i) => i).filter(nonzero)
      const p = leastSquares(idx.map((i) => [la[i] as number, lb[i] as number]), idx.map((i) => ly[i] as number))
      if (p !== undefined) for (const z1 of GATE) for (const z2 of GATE) push([p[0]!, p[1]!, z1, z2])
      break
    }
    case "exponent": {
      const idx = a.map((_, i) => i).filter(nonzero)
      const r = leastSquares(idx.map((i) => [(b[i] as number) * (la[i] as number)]), idx.map((i) => ly[i] as number))
      if (r !== undefined) for (const omega of [current[1] as number, ...FREQUENCIES]) push([r[0]!, omega])
      break
    }
    case "sine":
      for (const w of FREQUENCIES) {
        const c = leastSquares(a.map((v) => [Math.sin(w * v), Math.cos(w * v)]), y)
        if (c !== undefined) push([Math.hypot(c[0]!, c[1]!), w, Math.atan2(c[1]!, c[0]!)])
      }
      break
    case "exponential": {
      const idx = y.map((_, i) => i).filter((i) => (y[i] as number) > 0)
      push(leastSquares(idx.map((i) => [a[i] as number, 1]), idx.map((i) => Math.log(y[i] as number))))
      break
    }
    case "logarithm":
      push(leastSquares(la.map((v) => [v, 1]), y))
      break
    case "ratio":
      for (const w of FREQUENCIES) {
        // y · (γ sin wa + δ cos wa) = α sin wa + β cos wa, homogeneous in (α, β, γ, δ)
        const v = smallestDirection(a.map((x, i) => {
          const sn = Math.sin(w * x), cs = Math.cos(w * x), t = y[i] as number
          return [sn, cs, -t * sn, -t * cs]
        }))
        if (v === undefined) continue
        const den = Math.hypot(v[2]!, v[3]!)
        if (!(den > 1e-9)) continue
        push([Math.hypot(v[0]!, v[1]!) / den, w, Math.atan2(v[1]!, v[0]!), w, Math.atan2(v[3]!, v[2]!)])
      }
      break
  }
  return out
}

export interface Choice {
  readonly unit: number
  readonly parameters: ReadonlyArray<number>
  /** Share of the samples within tolerance, and the mean log(1 + relerr²). */
  readonly hits: number
  readonly loss: number
  readonly samples: number
}

const score = (k: number, p: ReadonlyArray<number>, s: Samples) => {
  const unit = unitAt(k, p)
  let hits = 0
  let loss = 0
  for (let i = 0; i < s.y.length; i++) {
    const y = s.y[i] as number
    const v = unit(s.a[i] as number, s.b[i] as number)
    const rel = (v - y) / Math.max(1, Math.abs(y))
    if (Number.isFinite(rel) && Math.abs(v - y) <= 1e-3 * Math.max(1, Math.abs(y))) hits++
    loss += Number.isFinite(rel) ? Math.log1p(rel * rel) : 1e3
  }
  return { hits: hits / Math.max(1, s.y.length), loss: loss / Math.max(1, s.y.length) }
}

/** The head's current parameters of every unit (rows of the maps' tables). */
const currentParameters = (net: ArithmeticBrain, h: number): Array<Array<number>> =>
  T.noGrad(() =>
    Array.from({ length: PATH_COUNT }, (_, k) =>
      unitMaps(net, k).flatMap((m) => {
        const t = m.table()
        return Array.from(t.data.subarray(h * t.cols, (h + 1) * t.cols))
      })
    )
  )

/**
 * Levenberg–Marquardt on the relative residuals of unit k over the samples, from p
 * (central-difference Jacobian): the local refinement of a candidate (a restart's
 * precision stage). Returns p itself if nothing improves.
 */
export const refine = (k: number, p: ReadonlyArray<number>, s: Samples, iterations = 40): Array<number> => {
  const n = s.y.length
  const m = p.length
  const residuals = (q: ReadonlyArray<number>): Array<number> => {
    const unit = unitAt(k, q)
    return s.y.map((y, i) => {
      const r = (unit(s.a[i] as number, s.b[i] as number) - y) / Math.max(1, Math.abs(y))
      return Number.isFinite(r) ? Math.max(-1e6, Math.min(1e6, r)) : 1e6
    })
  }
  const cost = (r: Array<number>) => r.reduce((acc, v) => acc + v * v, 0)
  let x = [...p]
  let r = residuals(x)
  let c = cost(r)
  let lambda = 1e-3
  for (let it = 0; it < iterations && c > 1e-28; it++) {
    const J: Array<Array<number>> = Array.from({ length: n }, () => new Array<number>(m).fill(0))
    for (let j = 0; j < m; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(x[j] as number))
      const up = [...x]
      const down = [...x]
      up[j] = (up[j] as number) + h
      down[j] = (down[j] as number) - h
      const ru = residuals(up)
      const rd = residuals(down)
      for (let i = 0; i < n; i++) J[i]![j] = ((ru[i] as number) - (rd[i] as number)) / (2 * h)
    }
    const A = Array.from({ length: m }, (_, p1) =>
      Array.from({ length: m }, (_, p2) => J.reduce((acc, row) => acc + (row[p1] as number) * (row[p2] as number), 0))
    )
    const g = Array.from({ length: m }, (_, p1) => J.reduce((acc, row, i) => acc + (row[p1] as number) * (r[i] as number), 0))
    let improved = false
    for (let tries = 0; tries < 8 && !improved; tries++) {
      const M = A.map((row, i) => row.map((v, j) => (i === j ? v * (1 + lambda) + lambda * 1e-9 : v)))
      const step = solve(M, g.map((v) => -v))
      if (step !== undefined && step.every(Number.isFinite)) {
        const candidate = x.map((v, j) => v + (step[j] as number))
        const rc = residuals(candidate)
        const cc = cost(rc)
        if (cc < c) {
          x = candidate
          r = rc
          c = cc
          lambda = Math.max(1e-12, lambda / 3)
          improved = true
          continue
        }
      }
      lambda *= 4
    }
    if (!improved) break
  }
  return x
}

/** Starts per unit refined by Levenberg–Marquardt (the best-scoring ones). */
const REFINED_STARTS = 3

/** The best (unit, parameters) for a head on its samples. */
export const chooseUnit = (net: ArithmeticBrain, h: number, s: Samples): Choice => {
  const current = currentParameters(net, h)
  let best: Choice | undefined
  for (let k = 0; k < PATH_COUNT; k++) {
    const starts = [current[k] as Array<number>, ...fitted(k, s, current[k] as Array<number>)].map((p) => ({ p, ...score(k, p, s) }))
    // The unit's best starts that do not fit every sample yet are refined locally, and compete too.
    const ranked = [...starts].sort((x, y) => y.hits - x.hits || x.loss - y.loss)
    const refined = ranked
      .slice(0, REFINED_STARTS)
      .filter((c) => c.hits < 1)
      .map((c) => {
        const p = refine(k, c.p, s)
        return { p, ...score(k, p, s) }
      })
    for (const { p, hits, loss } of [...starts, ...refined])
      if (best === undefined || hits > best.hits || (hits === best.hits && loss < best.loss))
        best = { unit: k, parameters: p, hits, loss, samples: s.y.length }
  }
  return best as Choice
}

/**
 * Sets head h's embedding rows so that unit k's maps give `parameters`: the smallest row
 * e with e·W + bias = p for each map (W is d×k with k ≤ d, so one exists when W has full rank).
 */
export const setUnitParameters = (net: ArithmeticBrain, h: number, k: number, parameters: ReadonlyArray<number>): void => {
  let offset = 0
  for (const map of unitMaps(net, k)) {
    const W = map.map.weight
    const bias = map.map.bias
    const d = W.rows
    const cols = W.cols
    const target = Array.from({ length: cols }, (_, j) => (parameters[offset + j] as number) - (bias.data[j] as number))
    offset += cols
    // e = W (WᵀW)⁻¹ (p − bias)
    const M = Array.from({ length: cols }, (_, i) =>
      Array.from({ length: cols }, (_, j) => {
        let s = 0
        for (let r = 0; r < d; r++) s += (W.data[r * cols + i] as number) * (W.data[r * cols + j] as number)
        return s
      })
    )
    const x = solve(M, target)
    if (x === undefined) continue
    const e = map.embedding.data
    for (let r = 0; r < d; r++) {
      let s = 0
      for (let j = 0; j < cols; j++) s += (W.data[r * cols + j] as number) * (x[j] as number)
      e[h * d + r] = s
    }
  }
}

/**
 * Fixes head h's parameters: unit k's to `parameters`, every other unit's to its current
 * values, read from then on from the maps' fixed tables (not trained).
 */
export const fixUnitParameters = (net: ArithmeticBrain, h: number, k: number, parameters: ReadonlyArray<number>): void => {
  T.noGrad(() => {
    for (const map of net.units()) {
      const t = map.table()
      map.fixRow(h, t.data.subarray(h * t.cols, (h + 1) * t.cols))
    }
  })
  let offset = 0
  for (const map of unitMaps(net, k)) {
    const cols = map.fixed.cols
    map.fixRow(h, parameters.slice(offset, offset + cols))
    offset += cols
  }
  net.solvedHead[h] = 1
}
