/**
 * Parameter initialisers, all drawn from a seeded Rng (never Math.random), so the same
 * seed gives the same weights. Fan-in/fan-out follow PyTorch for a weight [out, in]:
 * fanIn = cols, fanOut = rows.
 */
import type { Rng } from "../domain/Random.js"
import { Parameter } from "./Module.js"

const fill = (rows: number, cols: number, draw: () => number): Parameter => {
  const data = new Float64Array(rows * cols)
  for (let i = 0; i < data.length; i++) data[i] = draw()
  return new Parameter(data, rows, cols)
}

export const zeros = (rows: number, cols: number): Parameter => Parameter.zeros(rows, cols)

export const constant = (rows: number, cols: number, value: number): Parameter => fill(rows, cols, () => value)

/** N(mean, std²). */
export const normal = (rng: Rng, rows: number, cols: number, std = 1, mean = 0): Parameter =>
  fill(rows, cols, () => mean + std * rng.normal())

/** U[lo, hi). */
export const uniform = (rng: Rng, rows: number, cols: number, lo: number, hi: number): Parameter =>
  fill(rows, cols, () => rng.uniform(lo, hi))

/** Glorot: U(−a, a), a = gain · √(6 / (fanIn + fanOut)). */
export const xavierUniform = (rng: Rng, rows: number, cols: number, gain = 1): Parameter => {
  const a = gain * Math.sqrt(6 / (rows + cols))
  return uniform(rng, rows, cols, -a, a)
}

/** Glorot: N(0, σ²), σ = gain · √(2 / (fanIn + fanOut)). */
export const xavierNormal = (rng: Rng, rows: number, cols: number, gain = 1): Parameter =>
  normal(rng, rows, cols, gain * Math.sqrt(2 / (rows + cols)))

/** He/Kaiming for ReLU layers: U(−a, a), a = √(6 / fanIn). */
export const kaimingUniform = (rng: Rng, rows: number, cols: number): Parameter => {
  const a = Math.sqrt(6 / cols)
  return uniform(rng, rows, cols, -a, a)
}
