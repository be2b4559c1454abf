/**
 * The default Loss (SPEC §6): the exact graph edit distance as the metric, the
 * structural loss of a soft predicted graph (Structural.ts) and the number loss
 * (NumberLoss.ts), all under the `[loss]` weights. docs/loss.md has the definitions.
 *
 *   Effect.provide(program, GedLoss)           // the default
 *   Layer.succeed(Loss, Loss.of({ ... }))      // another loss: same interface
 */
import { Layer } from "effect"
import { ged } from "../../domain/ged/index.js"
import { type AlignmentOptions, Loss, type LossApi } from "../../services/Loss.js"
import { numberLoss } from "./NumberLoss.js"
import { structuralLoss } from "./Structural.js"

/**
 * A GED loss whose structural alignment uses these options by default (a call's own
 * options win).
 */
export const make = (defaults: AlignmentOptions = {}): LossApi =>
  Loss.of({
    name: "ged",
    structural: (pred, target, weights, options) => structuralLoss(pred, target, weights, { ...defaults, ...options }),
    number: numberLoss,
    metric: ged
  })

export const layer: Layer.Layer<Loss> = Layer.succeed(Loss, make())

/** The default Loss layer. */
export const GedLoss: Layer.Layer<Loss> = layer
