/**
 * The loss of a number output (levels 1–4 and 7): the node-relabel term of a one-node
 * graph. With e = (p − y) / max(1, |y|), the relative error SPEC §6's tolerance bounds,
 *
 *   number(p, y) = relabel · ρ(e),   relabel = (node_insertion_cost + node_deletion_cost) / 2
 *   ρ(e) = smoothL1(e, β) = e²/(2β) if |e| < β, else |e| − β/2,   β = 1e-4
 *
 * ρ is 0 iff e = 0, smooth, quadratic inside 1e-4 (well within the 1e-3 tolerance) and
 * linear outside, so a far-off answer still gets a full-size gradient. This is exactly
 * the root term of the brain's objective (src/layers/brain/objective.ts), so swapping
 * the Loss leaves number training unchanged. The structural loss prices a Number slot's
 * value with the same ρ.
 */
import { nodeRelabelCost } from "../../domain/ged/index.js"
import { defaultLossWeights, type LossWeights } from "../../services/Loss.js"
import * as T from "../../tensor/index.js"
import type { Tensor } from "../../tensor/index.js"
import { numericObjectiveDefaults, relativeError } from "../brain/objective.js"

/** β of ρ: the brain's (numericObjectiveDefaults.beta). */
export const relativeBeta: number = numericObjectiveDefaults.beta

/** ρ(e) and ρ'(e) for plain numbers (the structural kernel's copy of T.smoothL1). */
export const rho = (e: number): number => {
  const a = Math.abs(e)
  return a < relativeBeta ? (0.5 * e * e) / relativeBeta : a - 0.5 * relativeBeta
}
export const rhoPrime = (e: number): number => (Math.abs(e) < relativeBeta ? e / relativeBeta : Math.sign(e))

/** pred [B, 1], target [B] → [B, 1]. */
export const numberLoss = (pred: Tensor, target: Float64Array, weights: LossWeights = defaultLossWeights): Tensor => {
  if (pred.cols !== 1 || pred.rows !== target.length)
    throw new RangeError(`numberLoss: prediction [${pred.rows}, ${pred.cols}] for ${target.length} targets (expected [${target.length}, 1])`)
  return T.scale(T.smoothL1(relativeError(pred, target), relativeBeta), nodeRelabelCost(weights))
}
