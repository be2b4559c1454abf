/**
 * The Brain: a learned model from an input expression graph (+ bindings) to an output
 * graph (SPEC §1). Its forward pass uses only its own parameters and generic tensor
 * operations. The service makes models; a model exposes its parameters (for an
 * Optimizer), its training objective for a batch, and its top-1 answers.
 */
import { Context, Data, Layer, type Effect } from "effect"
import type { Expr } from "../domain/Expr.js"
import type { Module, Tensor } from "../tensor/index.js"

export interface BrainInput {
  readonly expr: Expr
  readonly bindings: ReadonlyArray<readonly [string, number]>
}

/**
 * Per-node training targets of one input: the value of each operator subtree, keyed by
 * its printed Polish (see layers/brain/targets.ts). Computed by the Engine when data is prepared,
 * never by the brain's forward pass; used for the warm-up (teacher forcing).
 */
export type SubtreeValues = ReadonlyMap<string, number>

/**
 * Per-node affine targets of one input: subtrees (keyed by printed Polish) that are
 * α·v + β in the input's unbound symbol v, as [α, β] (e.g. the two sides of an
 * equation, stored by the generator). For the auxiliary loss on the nodes' tangents.
 */
export type SubtreeAffine = ReadonlyMap<string, readonly [number, number]>

export type BrainTarget =
  | { readonly _tag: "Number"; readonly value: number }
  | { readonly _tag: "Expression"; readonly expr: Expr }

export interface BrainExample {
  readonly input: BrainInput
  readonly target: BrainTarget
  /** Optional per-node targets (the Engine's value of each operator subtree), for teacher forcing. */
  readonly subtreeValues?: SubtreeValues | undefined
  /**
   * Optional per-node affine targets: subtrees that are α·v + β in the input's unknown v,
   * as [α, β] keyed by printed Polish (level 7: the equation's two sides, from the line's
   * `lhs_affine` / `rhs_affine`). Auxiliary targets; a brain may ignore them.
   */
  readonly subtreeAffine?: SubtreeAffine | undefined
}

/** A model's answer to one input, or no answer and why. */
export interface Prediction {
  readonly answer: Expr | undefined
  readonly reason?: string | undefined
}

/** Where training stands within the current schedule, from 0 to 1. */
export interface TrainingProgress {
  readonly fraction: number
}

export class BrainError extends Data.TaggedError("BrainError")<{
  readonly reason: "Unsupported" | "BadShape" | "BadState"
  readonly message: string
}> {}

/** Non-parameter state a checkpoint must carry (e.g. learned discrete choices). */
export type BrainState = Readonly<Record<string, ReadonlyArray<number>>>

export interface BrainModel {
  /** Which architecture, for checkpoints and reports. */
  readonly kind: string
  /** The architecture's shape, as JSON, for checkpoint headers. */
  readonly shape: Readonly<Record<string, number>>
  readonly module: Module
  /** The training objective of a batch (a [1, 1] tensor to call backward() on). */
  readonly objective: (batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => Tensor
  /**
   * Called once per optimizer step with the whole batch, before its objective is
   * computed (perhaps in shards, perhaps on other threads): the one place where the
   * model may change its discrete state (e.g. lock gates), so that every shard of the
   * step sees the same model whatever the thread count.
   */
  readonly prepareStep?: (batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => void
  /**
   * Whether the model can learn from this example at all (e.g. it has an input for
   * every head, and an output of the target's kind). The trainer keeps only these
   * for training; grading still uses every example. Absent = every example.
   */
  readonly canLearn?: (example: BrainExample) => boolean
  /** Top-1 answers, no gradients; undefined where the model gives none. */
  readonly predict: (inputs: ReadonlyArray<BrainInput>) => ReadonlyArray<Expr | undefined>
  /** `predict`, with the reason for each input the model does not answer (its own check failed, …), when it can say. */
  readonly predictWithReasons?: (inputs: ReadonlyArray<BrainInput>) => ReadonlyArray<Prediction>
  /**
   * An optional full-batch second-order fit after first-order training; kept only if
   * it does not lower the training accuracy. Returns the accuracy before and after.
   */
  readonly polish?: (train: ReadonlyArray<BrainExample>, iterations: number) => { readonly before: number; readonly after: number }
  /**
   * Called when a curriculum level is finished: the model may consolidate what it
   * learned (e.g. stop training parameters shared by every operator) before the next.
   */
  readonly consolidate?: () => void
  readonly state: () => BrainState
  readonly loadState: (state: BrainState) => Effect.Effect<void, BrainError>
}

export interface BrainOptions {
  readonly seed: number
  readonly shape?: Readonly<Record<string, number>>
}

/**
 * Where a worker thread finds a Brain layer: the URL of the module that exports it
 * (usually `import.meta.url`) and the export's name. A Layer cannot be sent to a
 * thread, so data-parallel training rebuilds the same layer on each worker from this.
 */
export interface BrainLayerSource {
  readonly module: string
  readonly export: string
}

export interface BrainApi {
  readonly make: (options: BrainOptions) => Effect.Effect<BrainModel, BrainError>
  /**
   * Where worker threads load this same layer from, for data-parallel training. Absent:
   * the brain trains on one thread (the shards are computed one after another).
   */
  readonly source?: BrainLayerSource | undefined
}

export class Brain extends Context.Tag("grapheme/Brain")<Brain, BrainApi>() {}

/**
 * The Brain `layer`, saying that worker threads load it from `source` (for a layer
 * whose module does not set `source` itself), e.g.
 * `withSource(MyBrain, { module: import.meta.url, export: "MyBrain" })`.
 */
export const withSource = <E, R>(layer: Layer.Layer<Brain, E, R>, source: BrainLayerSource): Layer.Layer<Brain, E, R> =>
  Layer.map(layer, (context) => Context.add(context, Brain, { ...Context.get(context, Brain), source }))
