/**
 * y = x · Wᵀ + b with PyTorch's layout: weight [out, in], bias [1, out].
 * Initialised like torch.nn.Linear: U(−1/√in, 1/√in) for both.
 */
import type { Rng } from "../../domain/Random.js"
import { Module, type Parameter } from "../Module.js"
import type { Tensor } from "../Tensor.js"
import { uniform } from "../init.js"
import { add } from "../ops/arithmetic.js"
import { matmulNT } from "../ops/matmul.js"

export class Linear extends Module {
  readonly weight: Parameter
  readonly bias: Parameter | null

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    options?: { readonly bias?: boolean }
  ) {
    super()
    const bound = 1 / Math.sqrt(inFeatures)
    this.weight = uniform(rng, outFeatures, inFeatures, -bound, bound)
    this.bias = (options?.bias ?? true) ? uniform(rng, 1, outFeatures, -bound, bound) : null
  }

  /** x[n, in] → [n, out]. */
  forward(x: Tensor): Tensor {
    const y = matmulNT(x, this.weight)
    return this.bias === null ? y : add(y, this.bias)
  }
}
