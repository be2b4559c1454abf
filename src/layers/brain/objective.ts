/**
 * The training objective for number outputs. For a one-node output graph the GED
 * loss's node-relabel term is a smooth function of the relative error that is 0 iff
 * the numbers are equal (SPEC §6); the brain adds a per-unit term so that every unit
 * is scored on its own, which is what lets each operator find its unit (BRAIN-NOTES:
 * value loss alone locks into near-misses).
 */
import * as T from "../../tensor/index.js"
import type { Tensor } from "../../tensor/index.js"
import type { BrainForward } from "./ArithmeticBrain.js"
export { isCorrectNumber } from "../grading.js"

export interface NumericObjectiveOptions {
  /** Cost of relabelling a node: (insertion + deletion)/2 from `[loss]`. */
  readonly relabelCost: number
  /** Weight of the per-unit term. */
  readonly pathWeight: number
  /** Smooth-L1 transition, in units of relative error. */
  readonly beta: number
}

export const numericObjectiveDefaults: NumericObjectiveOptions = { relabelCost: 1, pathWeight: 1, beta: 1e-4 }

/** Relative error (p − y)/max(1, |y|), the quantity SPEC §6's tolerance bounds. */
export const relativeError = (prediction: Tensor, target: Float64Array): Tensor => {
  const scale = new Float64Array(target.length)
  for (let i = 0; i < target.length; i++) scale[i] = 1 / Math.max(1, Math.abs(target[i] as number))
  return T.mul(T.sub(prediction, T.column(target)), T.column(scale))
}

export const numericObjective = (
  forward: BrainForward,
  target: Float64Array,
  options: NumericObjectiveOptions = numericObjectiveDefaults
): Tensor => {
  const root = T.smoothL1(relativeError(forward.output, target), options.beta)
  const scale = new Float64Array(target.length)
  for (let i = 0; i < target.length; i++) scale[i] = 1 / Math.max(1, Math.abs(target[i] as number))
  const pathErr = T.mul(T.sub(forward.rootPaths, T.column(target)), T.column(scale)) // [B, K]
  const perPath = T.sumCols(T.mul(forward.rootGates, T.log(T.addScalar(T.square(pathErr), 1))))
  return T.mean(T.add(T.scale(root, options.relabelCost), T.scale(perPath, options.pathWeight)))
}

/**
 * Warm-up objective (BRAIN-NOTES, "Choose each op's path first"): every unit is trained
 * at every listed node, Σₖ log(1 + relerrₖ²), and the gates learn by cross-entropy
 * towards softmax(−Lₖ/τ) of the units' current (detached) losses. The mixed value is
 * not trained yet: an untrained unit's huge output would swamp it.
 *
 * `rows` are the node rows with targets: the roots, or with teacher forcing every
 * operator node whose subtree value is known.
 */
export const warmupObjective = (
  forward: BrainForward,
  rows: ArrayLike<number>,
  target: Float64Array,
  temperature = 0.1
): Tensor => {
  const index = Array.from(rows)
  const scale = new Float64Array(target.length)
  for (let i = 0; i < target.length; i++) scale[i] = 1 / Math.max(1, Math.abs(target[i] as number))
  const paths = T.gather(forward.paths, index) // [R, K]
  const gates = T.gather(forward.gates, index) // [R, K]
  const pathErr = T.mul(T.sub(paths, T.column(target)), T.column(scale)) // [R, K]
  const pathLoss = T.log(T.addScalar(T.square(pathErr), 1)) // [R, K]
  const wanted = T.noGrad(() => T.softmax(T.scale(pathLoss.detach(), -1 / temperature)))
  const crossEntropy = T.scale(T.sumCols(T.mul(wanted, T.log(T.clamp(gates, 1e-12, 1)))), -1)
  return T.mean(T.add(T.sumCols(pathLoss), crossEntropy))
}

/**
 * The polish objective: log(1 + (relerr/τ)²) with τ = 1e-4, steep well inside SPEC §6's
 * 1e-3 tolerance, for the full-batch second-order fit at the end of a schedule.
 */
export const polishObjective = (forward: BrainForward, target: Float64Array, tau = 1e-4): Tensor =>
  T.mean(T.log(T.addScalar(T.square(T.scale(relativeError(forward.output, target), 1 / tau)), 1)))
