/**
 * Finite-difference gradient check. The output y = fn(inputs) is reduced to the scalar
 * L = Σ w ⊙ y with fixed pseudo-random weights w (so every output element is tested,
 * not only their sum); every element of every input that requires grad is compared:
 *   analytic  ∂L/∂x            from backward()
 *   numeric   (L(x + ε) − L(x − ε)) / 2ε
 * An element passes when |analytic − numeric| ≤ atol + rtol · |numeric|.
 * `worst` is the largest |analytic − numeric| / (atol + rtol · |numeric|): ≤ 1 passes.
 */
import { Rng } from "../domain/Random.js"
import { noGrad, type Tensor } from "./Tensor.js"

export interface GradCheckOptions {
  /** Step of the central difference (default 1e-6). */
  readonly eps?: number
  /** Relative tolerance (default 1e-6). */
  readonly rtol?: number
  /** Absolute tolerance (default 1e-8). */
  readonly atol?: number
  /** Seed of the output weights w (default 1). */
  readonly seed?: number
}

export interface GradCheckResult {
  readonly ok: boolean
  /** max |a − n| / (atol + rtol · |n|); ≤ 1 means every element passed. */
  readonly worst: number
  readonly maxAbsError: number
  /** Where `worst` was found. */
  readonly at: { readonly input: number; readonly index: number; readonly analytic: number; readonly numeric: number }
  readonly checked: number
}

const weightedSum = (y: Tensor, w: Float64Array): number => {
  let s = 0
  for (let i = 0; i < w.length; i++) s += w[i]! * y.data[i]!
  return s
}

export const gradCheck = (
  fn: (...inputs: Array<Tensor>) => Tensor,
  inputs: ReadonlyArray<Tensor>,
  options: GradCheckOptions = {}
): GradCheckResult => {
  const eps = options.eps ?? 1e-6
  const rtol = options.rtol ?? 1e-6
  const atol = options.atol ?? 1e-8
  const xs = [...inputs]

  // analytic
  for (const x of xs) x.grad = null
  const y = fn(...xs)
  const rng = Rng.seeded(options.seed ?? 1, 0x67c)
  const w = new Float64Array(y.size)
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(0.5, 1.5) * (rng.bool() ? 1 : -1)
  y.backward(w)
  const analytic = xs.map((x) => (x.requiresGrad ? (x.grad ?? new Float64Array(x.size)).slice() : null))

  // numeric
  let worst = 0
  let maxAbsError = 0
  let checked = 0
  let at = { input: -1, index: -1, analytic: 0, numeric: 0 }
  noGrad(() => {
    xs.forEach((x, k) => {
      const a = analytic[k]
      if (a === null || a === undefined) return
      for (let i = 0; i < x.size; i++) {
        const original = x.data[i]!
        x.data[i] = original + eps
        const plus = weightedSum(fn(...xs), w)
        x.data[i] = original - eps
        const minus = weightedSum(fn(...xs), w)
        x.data[i] = original
        const numeric = (plus - minus) / (2 * eps)
        const error = Math.abs(a[i]! - numeric)
        const ratio = error / (atol + rtol * Math.abs(numeric))
        checked++
        if (error > maxAbsError) maxAbsError = error
        if (!(ratio <= worst)) {
          worst = ratio
          at = { input: k, index: i, analytic: a[i]!, numeric }
        }
      }
    })
  })
  return { ok: worst <= 1, worst, maxAbsError, at, checked }
}
