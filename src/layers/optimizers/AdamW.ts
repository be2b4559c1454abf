/**
 * AdamW: Adam with decoupled weight decay (torch.optim.AdamW). Per element at step t:
 *   p ← p · (1 − lr · wd)        (= p − lr·wd·p, the decay outside the adaptive step)
 *   then Adam's update with the raw gradient (no L2 term).
 */
import { Layer } from "effect"
import { Optimizer, type OptimizerApi } from "../../services/Optimizer.js"
import { adamUpdate } from "./Adam.js"
import { makeInstance, type UpdateRule } from "./shared.js"

export const rule: UpdateRule = {
  kind: "adamw",
  slots: ["m", "v"],
  update: (p, g, buffers, lr, t, options) => {
    const keep = 1 - lr * options.weightDecay
    if (keep !== 1) for (let i = 0; i < p.length; i++) p[i]! *= keep
    adamUpdate(p, g, buffers[0]!, buffers[1]!, lr, t, options, 0)
  }
}

export const make: OptimizerApi["make"] = (params, options) => makeInstance(rule, params, options)

export const layer: Layer.Layer<Optimizer> = Layer.succeed(Optimizer, Optimizer.of({ kind: "adamw", make }))
