/**
 * Adam with bias correction and classic L2 weight decay added to the gradient
 * (torch.optim.Adam, amsgrad off). Per element at step t, from m = v = 0:
 *   g ← g + wd · p
 *   m ← β₁ m + (1 − β₁) g
 *   v ← β₂ v + (1 − β₂) g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
import { Layer } from "effect"
import { Optimizer, type OptimizerApi, type ResolvedOptimizerOptions } from "../../services/Optimizer.js"
import { makeInstance, type UpdateRule } from "./shared.js"

/** The Adam moment update and parameter step, with `decay` added to the gradient. */
export const adamUpdate = (
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  lr: number,
  t: number,
  { beta1, beta2, epsilon }: ResolvedOptimizerOptions,
  decay: number
): void => {
  const stepSize = lr / (1 - Math.pow(beta1, t))
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t))
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! + decay * p[i]!
    const mi = beta1 * m[i]! + (1 - beta1) * gi
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi
    m[i] = mi
    v[i] = vi
    p[i]! -= stepSize * (mi / (Math.sqrt(vi) / bc2Sqrt + epsilon))
  }
}

export const rule: UpdateRule = {
  kind: "adam",
  slots: ["m", "v"],
  update: (p, g, buffers, lr, t, options) =>
    adamUpdate(p, g, buffers[0]!, buffers[1]!, lr, t, options, options.weightDecay)
}

export const make: OptimizerApi["make"] = (params, options) => makeInstance(rule, params, options)

export const layer: Layer.Layer<Optimizer> = Layer.succeed(Optimizer, Optimizer.of({ kind: "adam", make }))
