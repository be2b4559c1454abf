/**
 * The default brain as the trainer uses it: `ArithmeticBrainLive`, with where the
 * training workers load it from (its own module), so that it trains data-parallel.
 */
import type { Layer } from "effect"
import { ArithmeticBrainLive } from "../brain/ArithmeticBrainLive.js"
import { withSource, type Brain, type BrainLayerSource } from "../../services/Brain.js"
import { entryBeside } from "../workers/spawn.js"

export const defaultBrainSource: BrainLayerSource = {
  module: entryBeside(import.meta.url, "../brain/ArithmeticBrainLive"),
  export: "ArithmeticBrainLive"
}

export const DefaultBrain: Layer.Layer<Brain> = withSource(ArithmeticBrainLive, defaultBrainSource)
