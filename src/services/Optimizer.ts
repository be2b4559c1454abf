/**
 * The Optimizer: updates a model's parameters from their gradients (SPEC §8). Layers:
 * Sgd, Adam, AdamW (src/layers/optimizers). The service itself needs no other service
 * (R = never) and fails with one tagged error, OptimizerError.
 *
 * `make` validates options and returns an instance; the instance's `step()` is the hot
 * path and stays a plain synchronous call. Its state (step count, learning rate and the
 * per-parameter buffers) is plain data for binary checkpoints; loading it back resumes
 * bit-identically.
 */
import { Context, Data, Effect } from "effect"
import type { Parameter } from "../tensor/Module.js"

export type OptimizerKind = "sgd" | "adam" | "adamw"

export type OptimizerErrorReason =
  | "InvalidOptions" // a hyper-parameter outside its range, or a parameter listed twice
  | "StateMismatch" // a saved state for another optimizer kind or other parameter shapes

export class OptimizerError extends Data.TaggedError("OptimizerError")<{
  readonly reason: OptimizerErrorReason
  readonly message: string
}> {}

/** The seed's `[optimizer]` keys (plus `[training] learning_rate` and clipping), camelCased. */
export interface OptimizerOptions {
  /** `learning_rate`, default 0.001. */
  readonly learningRate?: number
  /** Adam/AdamW first-moment decay, default 0.9. */
  readonly beta1?: number
  /** Adam/AdamW second-moment decay, default 0.999. */
  readonly beta2?: number
  /** Adam/AdamW denominator guard, default 1e-8. */
  readonly epsilon?: number
  /** L2 penalty (SGD, Adam) or decoupled decay (AdamW), default 1e-4. */
  readonly weightDecay?: number
  /** SGD momentum, default 0.9 (0 = plain SGD). */
  readonly momentum?: number
  /** Clip the global L2 norm of all gradients to this value before each step. */
  readonly gradClipNorm?: number
}

export interface ResolvedOptimizerOptions {
  readonly learningRate: number
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  readonly weightDecay: number
  readonly momentum: number
  readonly gradClipNorm: number | null
}

export const optimizerDefaults: ResolvedOptimizerOptions = {
  learningRate: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 1e-4,
  momentum: 0.9,
  gradClipNorm: null
}

/** What a checkpoint stores. Buffers are named `<slot>.<parameter index>`, e.g. `m.0`, `v.0`. */
export interface OptimizerState {
  readonly kind: OptimizerKind
  /** Steps taken so far (Adam's bias correction uses it). */
  readonly step: number
  readonly learningRate: number
  /** [rows, cols] of each parameter, in order: a state only loads onto the same shapes. */
  readonly shapes: ReadonlyArray<readonly [number, number]>
  readonly buffers: Readonly<Record<string, Float64Array>>
}

export interface OptimizerInstance {
  readonly kind: OptimizerKind
  readonly options: ResolvedOptimizerOptions
  readonly params: ReadonlyArray<Parameter>
  /** One update from the current gradients (parameters without a gradient are skipped). */
  readonly step: () => void
  readonly zeroGrad: () => void
  readonly stepCount: () => number
  readonly learningRate: () => number
  /** For schedules; throws RangeError on a negative or non-finite rate (a bug). */
  readonly setLearningRate: (lr: number) => void
  /** A deep copy. */
  readonly state: () => OptimizerState
  /** Copies a saved state in, after checking kind, buffer names and sizes. */
  readonly loadState: (state: OptimizerState) => Effect.Effect<void, OptimizerError>
}

export interface OptimizerApi {
  readonly kind: OptimizerKind
  readonly make: (
    params: ReadonlyArray<Parameter>,
    options?: OptimizerOptions
  ) => Effect.Effect<OptimizerInstance, OptimizerError>
}

export class Optimizer extends Context.Tag("grapheme/Optimizer")<Optimizer, OptimizerApi>() {}

const invalid = (message: string) => new OptimizerError({ reason: "InvalidOptions", message })

/** Fills defaults and checks every range; the error names the option. */
export const resolveOptions = (
  options: OptimizerOptions = {}
): Effect.Effect<ResolvedOptimizerOptions, OptimizerError> =>
  Effect.gen(function* () {
    const o: ResolvedOptimizerOptions = {
      learningRate: options.learningRate ?? optimizerDefaults.learningRate,
      beta1: options.beta1 ?? optimizerDefaults.beta1,
      beta2: options.beta2 ?? optimizerDefaults.beta2,
      epsilon: options.epsilon ?? optimizerDefaults.epsilon,
      weightDecay: options.weightDecay ?? optimizerDefaults.weightDecay,
      momentum: options.momentum ?? optimizerDefaults.momentum,
      gradClipNorm: options.gradClipNorm ?? null
    }
    const inUnit = (x: number) => Number.isFinite(x) && x >= 0 && x < 1
    const nonNegative = (x: number) => Number.isFinite(x) && x >= 0
    if (!nonNegative(o.learningRate)) return yield* invalid(`learning_rate must be ≥ 0, got ${o.learningRate}`)
    if (!inUnit(o.beta1)) return yield* invalid(`beta1 must be in [0, 1), got ${o.beta1}`)
    if (!inUnit(o.beta2)) return yield* invalid(`beta2 must be in [0, 1), got ${o.beta2}`)
    if (!(Number.isFinite(o.epsilon) && o.epsilon > 0)) return yield* invalid(`epsilon must be > 0, got ${o.epsilon}`)
    if (!nonNegative(o.weightDecay)) return yield* invalid(`weight_decay must be ≥ 0, got ${o.weightDecay}`)
    if (!inUnit(o.momentum)) return yield* invalid(`momentum must be in [0, 1), got ${o.momentum}`)
    if (o.gradClipNorm !== null && !(o.gradClipNorm > 0)) {
      return yield* invalid(`gradClipNorm must be > 0, got ${o.gradClipNorm}`)
    }
    return o
  })
