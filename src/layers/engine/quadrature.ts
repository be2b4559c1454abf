/**
 * Numerical integration: globally adaptive Gauss–Kronrod (G7–K15), after QUADPACK's
 * QAG (Piessens et al., 1983).
 *
 * Each panel [a, b] is integrated by the 15-point Kronrod rule; the embedded 7-point
 * Gauss rule gives the error estimate (QUADPACK's scaled |K15 − G7|). The panel with
 * the largest error is bisected until the total error is below tol·max(1, |I|).
 *
 * Robustness, by construction:
 * - the nodes never touch the end points, so an integrable end-point singularity
 *   (1/√x at 0, ln x at 0) is never evaluated and only costs more bisections;
 * - a NaN or ±Infinity at any node inside the interval is an EngineError "Domain"
 *   (the integrand is undefined there: 1/x across 0, √x over negative x);
 * - a non-integrable singularity between nodes (1/(x − 1/3) over [0, 1]) keeps a panel's
 *   error from shrinking under bisection, so the budget runs out and the result is an
 *   EngineError "Domain" ("diverges"), never a wrong number.
 */
import { EngineError } from "../../services/Engine.js"

// Nodes and weights of the 15-point Kronrod rule and its 7-point Gauss rule (QUADPACK qk15).
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0
] as const
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714
] as const
// Gauss weights for XGK[1], XGK[3], XGK[5] and the centre XGK[7].
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327] as const

const EPMACH = Number.EPSILON
const INITIAL_PANELS = 4
const UFLOW = Number.MIN_VALUE

const domain = (message: string) => new EngineError({ reason: "Domain", message })

interface Panel {
  readonly a: number
  readonly b: number
  readonly result: number
  readonly error: number
}

const valueAt = (f: (x: number) => number, x: number): number => {
  const y = f(x)
  if (!Number.isFinite(y)) throw domain(`the integrand is undefined (or infinite) at x = ${x}`)
  return y
}

/** One G7–K15 panel: the Kronrod value and QUADPACK's error estimate. */
export const gaussKronrod15 = (f: (x: number) => number, a: number, b: number): Panel => {
  const centre = 0.5 * (a + b)
  const half = 0.5 * (b - a)
  const fc = valueAt(f, centre)
  let resk = fc * (WGK[7] as number)
  let resg = fc * (WG[3] as number)
  let resabs = Math.abs(resk)
  const f1: Array<number> = []
  const f2: Array<number> = []
  for (let j = 0; j < 7; j++) {
    const dx = half * (XGK[j] as number)
    const y1 = valueAt(f, centre - dx)
    const y2 = valueAt(f, centre + dx)
    f1.push(y1)
    f2.push(y2)
    const w = WGK[j] as number
    resk += w * (y1 + y2)
    resabs += w * (Math.abs(y1) + Math.abs(y2))
    if (j % 2 === 1) resg += (WG[(j - 1) / 2] as number) * (y1 + y2)
  }
  const mean = resk * 0.5
  let resasc = (WGK[7] as number) * Math.abs(fc - mean)
  for (let j = 0; j < 7; j++) resasc += (WGK[j] as number) * (Math.abs((f1[j] as number) - mean) + Math.abs((f2[j] as number) - mean))
  const result = resk * half
  resabs *= Math.abs(half)
  resasc *= Math.abs(half)
  let error = Math.abs((resk - resg) * half)
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, Math.pow((200 * error) / resasc, 1.5))
  if (resabs > UFLOW / (50 * EPMACH)) error = Math.max(EPMACH * 50 * resabs, error)
  if (!Number.isFinite(result) || !Number.isFinite(error)) throw domain(`the integral overflows on [${a}, ${b}]`)
  return { a, b, result, error }
}

/** A max-heap of panels by error. */
class PanelHeap {
  private readonly items: Array<Panel> = []
  get size(): number {
    return this.items.length
  }
  push(p: Panel): void {
    const h = this.items
    h.push(p)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((h[parent] as Panel).error >= p.error) break
      h[i] = h[parent] as Panel
      i = parent
    }
    h[i] = p
  }
  pop(): Panel | undefined {
    const h = this.items
    const top = h[0]
    const last = h.pop()
    if (top === undefined || last === undefined || h.length === 0) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      let me = last.error
      if (l < h.length && (h[l] as Panel).error > me) {
        m = l
        me = (h[l] as Panel).error
      }
      if (r < h.length && (h[r] as Panel).error > me) m = r
      if (m === i) break
      h[i] = h[m] as Panel
      i = m
    }
    h[i] = last
    return top
  }
  all(): ReadonlyArray<Panel> {
    return this.items
  }
}

export interface QuadratureResult {
  readonly value: number
  /** Estimated absolute error. */
  readonly error: number
  /** Number of integrand evaluations. */
  readonly evaluations: number
}

export interface QuadratureOptions {
  /** Target: error ≤ tol·max(1, |I|). Default 1e-10. */
  readonly tol?: number
  /** Most panels before giving up. Default 2000 (30,000 evaluations). */
  readonly maxPanels?: number
  /** The coarsest accuracy still accepted when the budget runs out: error ≤ acceptTol·max(1, |I|). Default 1e-7. */
  readonly acceptTol?: number
}

/**
 * ∫ₐᵇ f with its error estimate. a > b gives the negated integral, a = b gives 0.
 * Throws EngineError "Domain" when f is undefined or infinite inside (a, b), or when the
 * integral does not converge (a non-integrable singularity).
 */
export const integrateNumeric = (
  f: (x: number) => number,
  a: number,
  b: number,
  options: QuadratureOptions = {}
): QuadratureResult => {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw domain(`the bounds of a numerical integral must be finite (got [${a}, ${b}])`)
  if (a === b) return { value: 0, error: 0, evaluations: 0 }
  if (a > b) {
    const r = integrateNumeric(f, b, a, options)
    return { ...r, value: -r.value }
  }
  const tol = options.tol ?? 1e-10
  const acceptTol = Math.max(options.acceptTol ?? 1e-7, tol)
  const maxPanels = options.maxPanels ?? 2000
  const heap = new PanelHeap()
  const finished: Array<Panel> = [] // panels too narrow to bisect further
  let finishedError = 0
  // Start from four panels: a single 15-point panel can be fooled by an under-resolved oscillation.
  let value = 0
  let error = 0
  let panels = 0
  for (let i = 0; i < INITIAL_PANELS; i++) {
    const lo = i === 0 ? a : a + ((b - a) * i) / INITIAL_PANELS
    const hi = i === INITIAL_PANELS - 1 ? b : a + ((b - a) * (i + 1)) / INITIAL_PANELS
    const p = gaussKronrod15(f, lo, hi)
    heap.push(p)
    value += p.result
    error += p.error
    panels++
  }
  const target = () => tol * Math.max(1, Math.abs(value))
  const giveUp = () =>
    domain(
      `the integral over [${a}, ${b}] diverges or cannot be computed (estimated error ${error.toPrecision(3)} after ${panels} panels): the integrand may have a non-integrable singularity`
    )
  while (error > target() && panels < maxPanels) {
    const p = heap.pop()
    if (p === undefined) break
    // Splitting what is already far below the target cannot help: what is left is in `finished`.
    if (p.error < target() * 1e-3) {
      heap.push(p)
      break
    }
    const mid = 0.5 * (p.a + p.b)
    if (!(mid > p.a && mid < p.b) || p.b - p.a <= 4 * EPMACH * Math.max(Math.abs(p.a), Math.abs(p.b))) {
      finished.push(p)
      finishedError += p.error
      // What cannot be refined already exceeds what is acceptable: a non-integrable singularity.
      if (finishedError > acceptTol * Math.max(1, Math.abs(value))) throw giveUp()
      continue
    }
    const left = gaussKronrod15(f, p.a, mid)
    const right = gaussKronrod15(f, mid, p.b)
    value += left.result + right.result - p.result
    error += left.error + right.error - p.error
    heap.push(left)
    heap.push(right)
    panels++
  }
  // Re-sum to shed the drift of the running totals.
  value = 0
  error = 0
  for (const p of heap.all()) {
    value += p.result
    error += p.error
  }
  for (const p of finished) {
    value += p.result
    error += p.error
  }
  if (!Number.isFinite(value)) throw domain(`the integral overflows on [${a}, ${b}]`)
  if (error > acceptTol * Math.max(1, Math.abs(value))) throw giveUp()
  return { value, error, evaluations: (2 * panels - INITIAL_PANELS) * 15 }
}

/** ∫ₐᵇ f to about tol relative accuracy (see `integrateNumeric`). */
export const adaptiveQuadrature = (f: (x: number) => number, a: number, b: number, tol = 1e-10): number =>
  integrateNumeric(f, a, b, { tol }).value
