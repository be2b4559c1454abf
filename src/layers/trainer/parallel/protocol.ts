/**
 * The training workers' protocol. Steps are synchronous and short (about a
 * millisecond), so they go through shared memory and Atomics rather than messages:
 * the main thread writes the parameters, the batch's indices and the progress, bumps
 * `GENERATION` and wakes the workers; each computes its shards into its own slots and
 * bumps `DONE`. Rare things (a level's examples, a change of the model's discrete
 * state, an error) go as messages on a MessagePort, read synchronously
 * (`receiveMessageOnPort`) before each step, so they are always applied in order.
 */
import type { BrainLayerSource, BrainState } from "../../../services/Brain.js"
import type { PackedExamples } from "../table.js"

/** Int32 slots of the control array. */
export const GENERATION = 0
export const DONE = 1
export const STOP = 2
export const FAILED = 3
export const BATCH_SIZE = 4
/** Messages posted to each worker so far: a worker reads its port only when this moved (a read costs ~0.1 ms). */
export const POSTED = 5
export const CONTROL_SLOTS = 6

export interface WorkerSetup {
  /** The trainer's Brain layer (where to load it from) and the model it made: the worker makes the same. */
  readonly brain: {
    readonly source: BrainLayerSource
    readonly kind: string
    readonly seed: number
    readonly shape: Readonly<Record<string, number>>
  }
  /** This worker's thread index (the main thread is 0) and the thread count. */
  readonly index: number
  readonly threads: number
  readonly shards: number
  readonly maxBatch: number
  readonly control: SharedArrayBuffer
  /** Float64: the progress fraction, then every parameter value. */
  readonly parameters: SharedArrayBuffer
  /** Int32: the batch's example indices. */
  readonly indices: SharedArrayBuffer
  /** Float64 [shards × values]: each shard's gradient. */
  readonly gradients: SharedArrayBuffer
  /** Uint8 [shards × parameters]: which parameters each shard reached. */
  readonly reached: SharedArrayBuffer
  /** Float64 [shards]: each shard's loss. */
  readonly losses: SharedArrayBuffer
}

export type ToWorker =
  | { readonly _tag: "Examples"; readonly examples: PackedExamples }
  | { readonly _tag: "State"; readonly state: BrainState }

export type FromWorker =
  | { readonly _tag: "Ready" }
  | { readonly _tag: "Failed"; readonly message: string }

/**
 * Waits while `array[index] === value`: first a short spin (a step's gap is a fraction
 * of a millisecond, less than a futex wake-up costs a sleeping thread), then sleeps.
 * Returns false if `timeoutMs` passed while sleeping.
 */
export const waitWhile = (array: Int32Array, index: number, value: number, spins: number, timeoutMs: number): boolean => {
  for (let i = 0; i < spins; i++) if (Atomics.load(array, index) !== value) return true
  return Atomics.wait(array, index, value, timeoutMs) !== "timed-out"
}

/** Spins of `waitWhile` between steps: on the order of 100 µs. */
export const SPINS = 50_000
