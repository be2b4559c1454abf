/**
 * Global gradient norm and clipping over a set of parameters
 * (torch.nn.utils.clip_grad_norm_). Parameters without a gradient are skipped.
 */
import type { Tensor } from "./Tensor.js"

/** √(Σ over all parameters of Σ g²). */
export const gradNorm = (params: ReadonlyArray<Tensor>): number => {
  let s = 0
  for (const p of params) {
    const g = p.grad
    if (g === null) continue
    for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!
  }
  return Math.sqrt(s)
}

/**
 * Scales all gradients in place by maxNorm / (norm + 1e-6) when the global norm exceeds
 * maxNorm, so that afterwards it is at most maxNorm. Returns the norm before clipping.
 */
export const clipGradNorm = (params: ReadonlyArray<Tensor>, maxNorm: number): number => {
  const norm = gradNorm(params)
  const k = maxNorm / (norm + 1e-6)
  if (k < 1) {
    for (const p of params) {
      const g = p.grad
      if (g === null) continue
      for (let i = 0; i < g.length; i++) g[i]! *= k
    }
  }
  return norm
}
