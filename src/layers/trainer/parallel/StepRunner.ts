/**
 * How a training step's gradient is computed: `plainSteps` differentiates the whole
 * batch at once (`parallel_batches = false`); `shardedSteps` cuts it into shards and
 * sums their gradients in a fixed order, all on this thread — the reference that the
 * worker pool (./workerSteps.ts) reproduces bit for bit with more threads.
 */
import type { BrainExample, BrainModel, TrainingProgress } from "../../../services/Brain.js"
import type { ExampleList } from "../table.js"
import { combineShards, layoutOf, shardGradient, shardPositions, type ShardGradient } from "./shards.js"

export interface StepRunner {
  /** Threads computing a step (1 = this one). */
  readonly threads: number
  /** Shards per batch (1 = the plain objective on the whole batch). */
  readonly shards: number
  /** The examples that the next steps' indices point into (the level's training split, then the replay pool). */
  readonly setExamples: (examples: ExampleList<BrainExample>) => void
  /**
   * Sets every parameter's gradient for the batch `indices` (into the examples; `batch`
   * holds the same examples) and returns the batch's loss. The caller has already run
   * the model's `prepareStep` on the batch.
   */
  readonly step: (indices: ReadonlyArray<number>, batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => number
}

export const plainSteps = (model: BrainModel): StepRunner => ({
  threads: 1,
  shards: 1,
  setExamples: () => {},
  step: (_, batch, progress) => {
    const loss = model.objective(batch, progress)
    if (loss.requiresGrad) loss.backward()
    return loss.item()
  }
})

/** Per-shard buffers for `shards` shards of a model with `total` parameters values. */
export const shardBuffers = (shards: number, total: number, parameterCount: number) => ({
  gradients: Array.from({ length: shards }, () => new Float64Array(total)),
  reached: Array.from({ length: shards }, () => new Uint8Array(parameterCount))
})

export const shardedSteps = (model: BrainModel, shards: number): StepRunner => {
  const layout = layoutOf(model.module.parameters())
  const buffers = shardBuffers(shards, layout.total, layout.parameters.length)
  return {
    threads: 1,
    shards,
    setExamples: () => {},
    step: (_, batch, progress) => {
      const results: Array<ShardGradient> = []
      const sizes: Array<number> = []
      for (let s = 0; s < shards; s++) {
        const shard = shardPositions(batch.length, shards, s).map((i) => batch[i] as BrainExample)
        const gradient = buffers.gradients[s] as Float64Array
        const reached = buffers.reached[s] as Uint8Array
        results.push({ loss: shardGradient(model, layout, shard, progress, gradient, reached), gradient, reached })
        sizes.push(shard.length)
      }
      return combineShards(layout, results, sizes, batch.length)
    }
  }
}
