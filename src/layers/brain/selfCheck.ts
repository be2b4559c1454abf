/**
 * The brain checks its own answer before it gives it, with what it has learned and never
 * with the Engine (BRAIN-NOTES; docs/brain.md, "When the brain abstains"):
 *
 *   - a derivative: the answer, evaluated by the brain's own evaluator, against a
 *     five-point finite difference of its own values of f, at a few points;
 *   - an antiderivative (a definite integral's): the finite-difference tangent of the
 *     antiderivative against f's values at points inside the interval;
 *   - an unknown's value (a readout root, as `solve`'s): the node the readout reads
 *     (the equation), evaluated around the answer, is nearly a line through zero there
 *     (a Newton step's distance to its root is small, and no pole is near).
 *
 * Each check returns undefined when it passes, else the reason. Tolerances were chosen
 * on the validation split (data/generated/val, never the test split), with the default
 * run's final model: every level-5 derivative passes at a tenth of TANGENT_TOLERANCE but
 * one, every level-6 antiderivative at a hundredth; no level-7 equation bends around its
 * solution. A solution's distance to its root is held to the grading's tolerance.
 */
import type { Expr } from "../../domain/Expr.js"
import { featurize, type BrainInput, type FeaturizedBatch } from "./featurize.js"

/** Every row's value of a featurized batch (the brain's forward pass). */
export type Evaluate = (batch: FeaturizedBatch) => Float64Array

type Bindings = ReadonlyArray<readonly [string, number]>

/** Relative disagreement at which a derivative or antiderivative check fails. */
export const TANGENT_TOLERANCE = 1e-5
/** A point is used only where two step sizes of the finite difference agree this well. */
const DIFFERENCE_AGREEMENT = 1e-6
/**
 * The distance to the root (relative to max(1, |answer|)) at which a solution check fails:
 * the grading's own tolerance, so an answer its own evaluation puts within it of a root
 * is given (a learned unknown's value offsets solutions by up to ~5e-4).
 */
export const ROOT_TOLERANCE = 1e-3
/** How far either side of the answer (in ROOT_TOLERANCEs) the equation must stay nearly linear, and how nearly. */
const LINEAR_REACH = 10
const LINEARITY = 0.1
const STEP = 1e-3
/** Beyond this magnitude the brain's exponential units are clamped (exp 50 ≈ 5e21): values are not checked there. */
const FAITHFUL = 1e15
/** How much of |f| enters a tangent check's scale (a derivative of a large, nearly flat f rounds at that size). */
const ROUNDING_SCALE = 1e-4
/** Points of a derivative's check: away from 0, 1 and each other (as the rule learners sample). */
const TANGENT_POINTS = [0.43, 0.97, 1.61, 2.09]
/** Where in [a, b] an antiderivative is checked: near the bounds, where the answer reads it, and inside. */
const INTERIOR = [0.03, 0.17, 0.5, 0.83, 0.97]
/** Fewer usable points than this: the answer cannot be checked, so it is not given. */
const MIN_POINTS = 2

/** Inputs per pass of the evaluator: a check of a whole split's answers is millions of trees, evaluated a slice at a time. */
const CHECK_BATCH = 4096

/** Root values of many inputs, CHECK_BATCH at a time. */
const rootValues = (evaluate: Evaluate, inputs: ReadonlyArray<BrainInput>): Float64Array => {
  const out = new Float64Array(inputs.length)
  for (let start = 0; start < inputs.length; start += CHECK_BATCH) {
    const batch = featurize(inputs.slice(start, start + CHECK_BATCH))
    const values = evaluate(batch)
    batch.roots.forEach((r, k) => (out[start + k] = values[r] as number))
  }
  return out
}

const at = (bindings: Bindings, variable: string, x: number): Bindings => [[variable, x], ...bindings.filter(([n]) => n !== variable)]

/** `g` claims to be the tangent of `f` along `variable` (other symbols bound by `bindings`). */
export interface TangentClaim {
  readonly f: Expr
  readonly g: Expr
  /** What g and f are, for the reason given when the check fails ("its derivative", "f"). */
  readonly describe: string
  readonly source: string
  readonly variable: string
  readonly bindings: Bindings
  /** Where to check; TANGENT_POINTS when absent. */
  readonly points?: ReadonlyArray<number>
  /**
   * Points that must be checkable for the answer to be given (MIN_POINTS when absent; 0:
   * only a disagreement withholds it, as for a derivative built from rules that were each
   * checked when learned).
   */
  readonly minPoints?: number
  /** A point where f saturates fails the check (the answer reads f's values there), rather than being skipped. */
  readonly strict?: boolean
  /**
   * Points where the answer reads f (an integral's bounds): f must be continuous there,
   * its value what its values just inside say (an expression such as 2x·e^(x²)/(2x) reads
   * 0/0 at 0, and the brain's quotient gives a value there that is no limit).
   */
  readonly ends?: ReadonlyArray<number> | undefined
  /** The answer reads f at the ends as its limit from inside (endValue): a removable gap is fine if that limit is well defined. */
  readonly limits?: boolean
}

/** Inward steps of the continuity check at an end. */
export const END_STEP = 1e-5

/**
 * f's value at an end from f there and at one and two inward steps: f itself where it is
 * continuous, else its limit from inside, 2 f(t + δ) − f(t + 2δ) (a removable gap, such as
 * 0/0 in an antiderivative found by substitution).
 */
export const endValue = (here: number, near: number, next: number): number => {
  const limit = 2 * near - next
  return Math.abs(here - limit) <= TANGENT_TOLERANCE * (1 + Math.abs(limit)) ? here : limit
}

const OFFSETS = [2, 1, -1, -2, 4, 2, -2, -4] // steps h (first four) and 2h (last four)
/** Step sizes tried in turn at a point where the larger one's differences disagree (a steep or oscillating f). */
const STEPS = [1e-3, 1e-4, 1e-5]

/** Checks each claim: g against the finite-difference tangent of f, by the brain's own values. */
export const checkTangents = (evaluate: Evaluate, claims: ReadonlyArray<TangentClaim>): Array<string | undefined> => {
  const usable = new Array<number>(claims.length).fill(0)
  const failed = new Array<string | undefined>(claims.length).fill(undefined)
  let open = claims.flatMap((c, claim) => (c.points ?? TANGENT_POINTS).map((x) => ({ claim, x })))
  for (const step of STEPS) {
    if (open.length === 0) break
    const inputs: Array<BrainInput> = []
    for (const { claim, x } of open) {
      const c = claims[claim] as TangentClaim
      for (const o of OFFSETS) inputs.push({ expr: c.f, bindings: at(c.bindings, c.variable, x + o * step) })
      inputs.push({ expr: c.g, bindings: at(c.bindings, c.variable, x) })
    }
    const v = rootValues(evaluate, inputs)
    const width = OFFSETS.length + 1
    const retry: typeof open = []
    open.forEach(({ claim, x }, k) => {
      const f = (i: number) => v[k * width + i] as number
      const fine = (-f(0) + 8 * f(1) - 8 * f(2) + f(3)) / (12 * step)
      const coarse = (-f(4) + 8 * f(5) - 8 * f(6) + f(7)) / (24 * step)
      const g = v[k * width + OFFSETS.length] as number
      if (!Number.isFinite(fine) || !Number.isFinite(coarse) || Math.abs(fine - coarse) > DIFFERENCE_AGREEMENT * (1 + Math.abs(fine))) {
        retry.push({ claim, x })
        return
      }
      // A point where the evaluator saturates — f exactly flat where g is not (a clamped
      // unit), or values past the range its units compute faithfully — checks nothing; for
      // a strict claim (an answer read off f's values there) it fails the check.
      const c = claims[claim] as TangentClaim
      const saturated = (OFFSETS.every((_, i) => f(i) === f(0)) && Math.abs(g) > TANGENT_TOLERANCE) || Math.abs(f(0)) > FAITHFUL || Math.abs(g) > FAITHFUL
      if (saturated) {
        if (c.strict === true && failed[claim] === undefined) failed[claim] = `with ${c.variable} at ${round(x)} ${c.source} is past the range its units compute faithfully`
        return
      }
      usable[claim]!++
      // The scale of the comparison includes f's own size: rounding in an expression of large values.
      const scale = 1 + Math.abs(fine) + ROUNDING_SCALE * Math.abs(f(1))
      if (!(Math.abs(g - fine) <= TANGENT_TOLERANCE * scale) && failed[claim] === undefined)
        failed[claim] = `with ${c.variable} at ${round(x)} ${c.describe} is ${round(g)}, but ${c.source} changes at ${round(fine)} (by its own values)`
    })
    open = retry
  }
  checkEnds(evaluate, claims, failed)
  return claims.map((c, k) =>
    failed[k] ?? ((usable[k] as number) < (c.minPoints ?? MIN_POINTS) ? `its own values could not be differentiated at enough points to check ${c.describe}` : undefined)
  )
}

/** Inward steps, in END_STEP, at which f is read near an end. */
const STEPS_IN = [0, 1, 2, 4]

/** f at each end against its extrapolation from two points just inside, 2 f(t + δ) − f(t + 2δ) (error ~δ² f''). */
const checkEnds = (evaluate: Evaluate, claims: ReadonlyArray<TangentClaim>, failed: Array<string | undefined>): void => {
  const ends = claims.flatMap((c, claim) => {
    const points = c.ends ?? []
    const middle = points.reduce((s, t) => s + t, 0) / Math.max(1, points.length)
    return points.map((t) => ({ claim, t, inward: t < middle ? END_STEP : -END_STEP }))
  })
  if (ends.length === 0) return
  const inputs = ends.flatMap(({ claim, t, inward }) => {
    const c = claims[claim] as TangentClaim
    return STEPS_IN.map((j) => ({ expr: c.f, bindings: at(c.bindings, c.variable, t + j * inward) }))
  })
  const v = rootValues(evaluate, inputs)
  const close = (x: number, y: number) => Math.abs(x - y) <= TANGENT_TOLERANCE * (1 + Math.abs(y))
  ends.forEach(({ claim, t }, k) => {
    const [here, near, next, far] = STEPS_IN.map((_, j) => v[STEPS_IN.length * k + j] as number) as [number, number, number, number]
    const limit = 2 * near - next
    const c = claims[claim] as TangentClaim
    // With limits read, a gap is fine where the limit is the same from twice the steps.
    const fine = close(here, limit) || (c.limits === true && Number.isFinite(limit) && close(2 * next - far, limit))
    if (failed[claim] === undefined && !fine)
      failed[claim] = `with ${c.variable} at ${round(t)} ${c.source} is ${round(here)}, but its values just inside tend to ${round(limit)}`
  })
}

/** Points where an antiderivative over [a, b] is checked (its own variable's values). */
export const interiorPoints = (a: number, b: number): Array<number> => INTERIOR.map((t) => a + t * (b - a))

/** `value` claims to make the node `equation` (read by a readout root) vanish at `variable` = value. */
export interface RootClaim {
  readonly equation: Expr
  readonly variable: string
  readonly value: number
  readonly bindings: Bindings
}

/**
 * Checks each claim: the equation node at the answer and one step either side, by the
 * brain's own values; the distance to its root that a Newton step estimates (value over
 * slope) must be within ROOT_TOLERANCE · max(1, |answer|).
 */
export const checkRoots = (evaluate: Evaluate, claims: ReadonlyArray<RootClaim>): Array<string | undefined> => {
  const reach = (c: RootClaim) => LINEAR_REACH * ROOT_TOLERANCE * Math.max(1, Math.abs(c.value))
  const inputs: Array<BrainInput> = []
  for (const c of claims)
    for (const x of [c.value, c.value + STEP, c.value - STEP, c.value + reach(c), c.value - reach(c)])
      inputs.push({ expr: c.equation, bindings: at(c.bindings, c.variable, x) })
  const v = rootValues(evaluate, inputs)
  return claims.map((c, k) => {
    const [e, up, down, far, near] = Array.from(v.subarray(5 * k, 5 * k + 5)) as [number, number, number, number, number]
    const slope = (up - down) / (2 * STEP)
    const distance = Math.abs(e / slope)
    if (!Number.isFinite(distance) || !Number.isFinite(far) || !Number.isFinite(near))
      return `substituting ${round(c.value)} for ${c.variable} gives no value it can check`
    if (distance > ROOT_TOLERANCE * Math.max(1, Math.abs(c.value)))
      return `substituting ${round(c.value)} for ${c.variable}, its own evaluation leaves ${round(e)}: the root is about ${round(c.value - e / slope)}`
    // Newton's estimate holds only where the equation is nearly linear around the answer
    // (near a pole the estimated distance is small too, but no root is there).
    const d = reach(c)
    const bent = Math.max(Math.abs(far - (e + slope * d)), Math.abs(near - (e - slope * d)))
    if (!(bent <= LINEARITY * Math.abs(slope) * d))
      return `around ${round(c.value)} its own evaluation of the equation is not the line a root needs (${round(near)}, ${round(e)}, ${round(far)})`
    return undefined
  })
}

const round = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x))
