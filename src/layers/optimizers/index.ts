/**
 * The optimizer layers by name, for `--optimizer sgd|adam|adamw` and `[optimizer] type`.
 */
import type { Layer } from "effect"
import type { Optimizer, OptimizerKind } from "../../services/Optimizer.js"
import * as Adam from "./Adam.js"
import * as AdamW from "./AdamW.js"
import * as Sgd from "./Sgd.js"

export const optimizerLayers: Readonly<Record<OptimizerKind, Layer.Layer<Optimizer>>> = {
  sgd: Sgd.layer,
  adam: Adam.layer,
  adamw: AdamW.layer
}

export { Adam, AdamW, Sgd }
