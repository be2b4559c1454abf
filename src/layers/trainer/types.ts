/** What the curriculum loop works with and reports: its settings, its position, its I/O, its errors. */
import { Data, Effect } from "effect"
import type { GedCosts } from "../../domain/ged/index.js"
import type { RngState } from "../../domain/Random.js"
import type { TrainingEvent } from "../../domain/TrainingEvent.js"
import type { BrainExample, BrainState } from "../../services/Brain.js"
import type { OptimizerState } from "../../services/Optimizer.js"
import type { LabelledExample } from "./examples.js"
import type { GedMetric } from "./measure.js"
import type { LevelDecision } from "./schedule.js"
import type { ExampleList } from "./table.js"

export interface TrainerSettings {
  readonly batchSize: number
  readonly epochsPerLevel: number
  readonly learningRate: number
  readonly minLearningRate: number
  readonly patience: number
  readonly checkpointEvery: number
  readonly startLevel: number
  readonly endLevel: number
  readonly advanceThreshold: number
  readonly minEpochsPerLevel: number
  readonly seed: number
  /** Share of every batch drawn from earlier levels (replay), once there are any. */
  readonly replayFraction: number
  /** L-BFGS iterations of the brain's polish after each epoch of the second half (0 = none). */
  readonly polishIterations: number
  /** Examples the polish fits (a fixed random subset of the level's training set). */
  readonly polishSample: number
  /** A "Batch k/n" log line every this many batches (and at the last). */
  readonly logEvery: number
  /** Validation examples per level (the first N of the val split). */
  readonly validationLimit: number
  /**
   * Training examples kept of each finished level for replay (a seeded random sample;
   * Infinity = all). Bounds memory with stream_data: a finished level keeps only this
   * sample and its validation examples.
   */
  readonly replayLimit: number
  readonly costs: GedCosts
  /** How a GED is measured (the Loss service's metric); the exact GED when absent. */
  readonly metric?: GedMetric | undefined
}

export interface LevelSplits {
  /** An array, or (less memory) an ExampleTable. */
  readonly train: ExampleList<BrainExample>
  readonly val: ReadonlyArray<LabelledExample>
  /**
   * Training examples the loader already left out because the model cannot learn from
   * them. Set = the loader kept only what `model.canLearn` accepts (the trainer does not
   * check again); absent = the trainer checks every example.
   */
  readonly unlearnable?: number
}

/** Where training stands; what a checkpoint needs to continue exactly. */
export interface Position {
  readonly level: number
  /** Epochs completed in this level. */
  readonly epoch: number
  readonly rng: RngState
  readonly best: number
  readonly stale: number
  /** Final validation accuracy of every finished level. */
  readonly finished: Readonly<Record<string, number>>
  readonly done: boolean
  /**
   * Set when training stopped inside an epoch (Ctrl-C): the batches of epoch `epoch + 1`
   * already done (`rng` still makes that epoch's batches) and their summed loss, so that
   * a resumed run continues with the next batch, as if it had never stopped.
   */
  readonly partial?: { readonly batches: number; readonly lossSum: number } | undefined
}

export interface Snapshot {
  readonly position: Position
  readonly parameters: Readonly<Record<string, Float64Array>>
  readonly brainState: BrainState
  readonly optimizer: OptimizerState
  readonly metrics: Readonly<Record<string, number>>
}

export interface TrainerIo {
  readonly load: (level: number) => Effect.Effect<LevelSplits, TrainerError>
  /** What happened (the session writes it to training.log and metrics.jsonl). */
  readonly emit: (event: TrainingEvent) => Effect.Effect<void, TrainerError>
  readonly checkpoint: (names: ReadonlyArray<string>, snapshot: Snapshot) => Effect.Effect<void, TrainerError>
  /** Progress for a terminal (may do nothing). */
  readonly progress: (p: BatchProgress) => void
  /** True once the user asked to stop (Ctrl-C): the loop stops at the next batch boundary. */
  readonly interrupted: () => boolean
}

export interface BatchProgress {
  readonly level: number
  readonly epoch: number
  readonly epochs: number
  readonly batch: number
  readonly batches: number
  readonly loss: number
  readonly examplesPerSecond: number
  /** Seconds since the epoch began. */
  readonly seconds: number
}

export class TrainerError extends Data.TaggedError("TrainerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

export interface LevelResult {
  readonly level: number
  readonly epochs: number
  readonly accuracy: number
  readonly outcome: LevelDecision["_tag"] | "Interrupted" | "NothingToLearn"
}

export interface TrainingSummary {
  readonly levels: ReadonlyArray<LevelResult>
  readonly interrupted: boolean
  readonly position: Position
}

/** A step's failure (e.g. a worker thread's) as a TrainerError with its message. */
export const stepAttempt = <A>(f: () => A) =>
  Effect.try({ try: f, catch: (e) => new TrainerError({ message: e instanceof Error ? e.message : String(e), cause: e }) })
