/**
 * Data-parallel steps, the arithmetic part: a batch is cut into a fixed number of
 * shards, each shard's objective is differentiated on its own (on whichever thread),
 * and the gradients are summed in shard order, weighted by shard size. The shard count
 * and the order of the sum do not depend on the thread count, so neither do the
 * weights after a step: `--threads 1` and `--threads 2` train the same model, bit for bit.
 */
import type { BrainExample, BrainModel, TrainingProgress } from "../../../services/Brain.js"
import type { Parameter } from "../../../tensor/index.js"

/** Where each parameter's values sit in one flat vector (the order of `module.parameters()`). */
export interface ParameterLayout {
  readonly parameters: ReadonlyArray<Parameter>
  readonly offsets: Int32Array
  readonly total: number
}

export const layoutOf = (parameters: ReadonlyArray<Parameter>): ParameterLayout => {
  const offsets = new Int32Array(parameters.length)
  let total = 0
  parameters.forEach((p, i) => {
    offsets[i] = total
    total += p.data.length
  })
  return { parameters, offsets, total }
}

export const writeParameters = (layout: ParameterLayout, into: Float64Array): void => {
  layout.parameters.forEach((p, i) => into.set(p.data, layout.offsets[i] as number))
}

export const readParameters = (layout: ParameterLayout, from: Float64Array): void => {
  layout.parameters.forEach((p, i) => {
    const at = layout.offsets[i] as number
    p.data.set(from.subarray(at, at + p.data.length))
  })
}

/**
 * The batch positions of shard `s` of `shards`: every shards-th position from s, so that
 * the current level's examples and the replayed ones (which come last) spread evenly.
 */
export const shardPositions = (batchSize: number, shards: number, s: number): Array<number> => {
  const out: Array<number> = []
  for (let i = s; i < batchSize; i += shards) out.push(i)
  return out
}

/** One shard's result: its loss, its gradient (flat) and which parameters it reached. */
export interface ShardGradient {
  readonly loss: number
  readonly gradient: Float64Array
  /** 1 where the parameter received a gradient (a parameter it never reached keeps grad null). */
  readonly reached: Uint8Array
}

/**
 * Differentiates the model's objective on one shard, writing into `gradient` and
 * `reached` (which it overwrites). The model's gradients are left cleared.
 */
export const shardGradient = (
  model: BrainModel,
  layout: ParameterLayout,
  shard: ReadonlyArray<BrainExample>,
  progress: TrainingProgress,
  gradient: Float64Array,
  reached: Uint8Array
): number => {
  const { parameters, offsets } = layout
  for (const p of parameters) p.grad = null
  gradient.fill(0)
  reached.fill(0)
  if (shard.length === 0) return 0
  const loss = model.objective(shard, progress)
  if (loss.requiresGrad) loss.backward()
  parameters.forEach((p, i) => {
    if (p.grad === null) return
    reached[i] = 1
    gradient.set(p.grad, offsets[i] as number)
    p.grad = null
  })
  return loss.item()
}

/** The buffers all threads share for a batch: per shard, its gradient (layout.total), the parameters it reached, its loss. */
export interface ShardBuffers {
  readonly gradients: Float64Array
  readonly reached: Uint8Array
  readonly losses: Float64Array
}

/** shardGradient of shard s, into shard s's part of the shared buffers. */
export const shardInto = (
  model: BrainModel,
  layout: ParameterLayout,
  shard: ReadonlyArray<BrainExample>,
  progress: TrainingProgress,
  buffers: ShardBuffers,
  s: number
): void => {
  const count = layout.parameters.length
  buffers.losses[s] = shardGradient(
    model,
    layout,
    shard,
    progress,
    buffers.gradients.subarray(s * layout.total, (s + 1) * layout.total),
    buffers.reached.subarray(s * count, (s + 1) * count)
  )
}

/**
 * Sets every parameter's gradient to Σ_s w_s · g_s over the shards in order, with
 * w_s = |shard s| / |batch|, and returns the loss the same way. A parameter no shard
 * reached keeps a null gradient (an optimizer then leaves it alone, as after a plain step).
 */
export const combineShards = (
  layout: ParameterLayout,
  shards: ReadonlyArray<ShardGradient>,
  sizes: ReadonlyArray<number>,
  batchSize: number
): number => {
  const { parameters, offsets } = layout
  let loss = 0
  shards.forEach((s, k) => {
    loss += ((sizes[k] as number) / batchSize) * s.loss
  })
  parameters.forEach((p, i) => {
    let grad: Float64Array | null = null
    const at = offsets[i] as number
    const n = p.data.length
    shards.forEach((s, k) => {
      if (s.reached[i] !== 1) return
      const w = (sizes[k] as number) / batchSize
      if (grad === null) grad = new Float64Array(n)
      const g = grad
      for (let j = 0; j < n; j++) g[j] = (g[j] as number) + w * (s.gradient[at + j] as number)
    })
    p.grad = grad
  })
  return loss
}
