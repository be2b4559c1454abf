/**
 * SGD with momentum and L2 weight decay added to the gradient
 * (torch.optim.SGD, dampening 0, no Nesterov). Per element, from buffer b = 0:
 *   g ← g + wd · p
 *   b ← μ · b + g
 *   p ← p − lr · b
 */
import { Layer } from "effect"
import { Optimizer, type OptimizerApi } from "../../services/Optimizer.js"
import { makeInstance, type UpdateRule } from "./shared.js"

export const rule: UpdateRule = {
  kind: "sgd",
  slots: ["momentum"],
  update: (p, g, buffers, lr, _t, { momentum, weightDecay }) => {
    const b = buffers[0]!
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + weightDecay * p[i]!
      const bi = momentum * b[i]! + gi
      b[i] = bi
      p[i]! -= lr * bi
    }
  }
}

export const make: OptimizerApi["make"] = (params, options) => makeInstance(rule, params, options)

export const layer: Layer.Layer<Optimizer> = Layer.succeed(Optimizer, Optimizer.of({ kind: "sgd", make }))
