import { expect } from "vitest"
import { Rng } from "../../src/domain/Random.js"
import { gradCheck, Tensor, type GradCheckOptions } from "../../src/tensor/index.js"

export interface RandomOptions {
  /** Values are drawn from U[lo, hi) (default −2, 2). */
  readonly lo?: number
  readonly hi?: number
  /** Redraw values closer than `margin` to any of these points (kinks of relu, abs, …). */
  readonly avoid?: ReadonlyArray<number>
  readonly margin?: number
  readonly requiresGrad?: boolean
}

/** A tensor of seeded random values, by default requiring grad. */
export const random = (rng: Rng, rows: number, cols: number, options: RandomOptions = {}): Tensor => {
  const lo = options.lo ?? -2
  const hi = options.hi ?? 2
  const avoid = options.avoid ?? []
  const margin = options.margin ?? 1e-3
  const data = new Float64Array(rows * cols)
  for (let i = 0; i < data.length; i++) {
    let x = rng.uniform(lo, hi)
    while (avoid.some((k) => Math.abs(x - k) < margin)) x = rng.uniform(lo, hi)
    data[i] = x
  }
  return new Tensor(data, rows, cols, options.requiresGrad ?? true)
}

/** Values with |x| ∈ [lo, hi) and a random sign (denominators, logAbs). */
export const randomAwayFromZero = (rng: Rng, rows: number, cols: number, lo = 0.5, hi = 2): Tensor => {
  const t = random(rng, rows, cols, { lo, hi })
  for (let i = 0; i < t.size; i++) if (rng.bool()) t.data[i] = -t.data[i]!
  return t
}

/** Asserts that analytic and finite-difference gradients agree (default tolerances of gradCheck). */
export const expectGradientsMatch = (
  fn: (...inputs: Array<Tensor>) => Tensor,
  inputs: ReadonlyArray<Tensor>,
  options?: GradCheckOptions
): void => {
  const result = gradCheck(fn, inputs, options)
  expect(result.checked).toBeGreaterThan(0)
  expect(result.worst, JSON.stringify(result)).toBeLessThanOrEqual(1)
}

/** Shapes that exercise ragged edges and the 4×4 tiles of the matmul kernel. */
export const shapes: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, 5],
  [4, 1],
  [3, 4],
  [5, 7]
]

export const seeded = (seed: number): Rng => Rng.seeded(seed, 7)

export const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 12): void => {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(actual[i]!).toBeCloseTo(expected[i]!, digits)
}
