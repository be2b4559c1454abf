/**
 * A training session (what the Trainer service runs for `grapheme train`): model and
 * optimizer (or a checkpoint to resume), the curriculum loop with its events rendered to
 * `training.log` and `metrics.jsonl` and its checkpoints written through Storage, Ctrl-C
 * stopping at a batch boundary with a checkpoint, and the final per-level table on the
 * test split beside an untrained control.
 */
import * as path from "node:path"
import { Chunk, Effect, Option, Stream } from "effect"
import type { TrainConfig } from "../../domain/Config.js"
import type { Example } from "../../domain/Example.js"
import { metricsRecordOf, type TrainingEvent } from "../../domain/TrainingEvent.js"
import { logLinesOf } from "../../domain/trainingLog/render.js"
import type { BrainApi, BrainModel } from "../../services/Brain.js"
import type { CurriculumApi } from "../../services/Curriculum.js"
import type { LossApi } from "../../services/Loss.js"
import type { OptimizerApi } from "../../services/Optimizer.js"
import { Storage, type StorageApi, type StorageError } from "../../services/Storage.js"
import { checkpointOf, expectedOf } from "../storage/checkpoint.js"
import { resolveThreads } from "../workers/spawn.js"
import { labelled, type LabelledExample } from "./examples.js"
import { ExampleTable } from "./table.js"
import { plainSteps, shardedSteps, type StepRunner } from "./parallel/StepRunner.js"
import { workerSteps } from "./parallel/workerSteps.js"
import {
  accuracyOf,
  initialPosition,
  runCurriculum,
  TrainerError,
  type BatchProgress,
  type Position,
  type Snapshot,
  type TrainerSettings,
  type TrainingSummary
} from "./curriculum.js"

/** The services a session trains with (the Trainer's dependencies). */
export interface TrainerServices {
  readonly brain: BrainApi
  readonly optimizer: OptimizerApi
  readonly loss: LossApi
  readonly storage: StorageApi
  readonly curriculum: CurriculumApi
}

export interface SessionOptions {
  readonly resume?: string | undefined
  /** Called on every batch (a terminal progress line). */
  readonly onProgress?: (p: BatchProgress) => void
  /** Every log line also goes here (the console). */
  readonly echo?: (line: string) => void
  /** Every event also goes here (e.g. a research script's own record). */
  readonly onEvent?: (event: TrainingEvent) => void
  /** Set to true (e.g. by SIGINT) to stop at the next batch boundary. */
  readonly stop?: { value: boolean }
}

export interface LevelReport {
  readonly level: number
  readonly epochs: number
  readonly validation: number
  readonly test: number
  readonly untrained: number
  readonly testCount: number
}

export interface SessionResult {
  readonly summary: TrainingSummary
  readonly table: ReadonlyArray<LevelReport>
  readonly seconds: number
}

export const settingsOf = (config: TrainConfig): TrainerSettings => ({
  batchSize: config.training.batch_size,
  epochsPerLevel: config.training.epochs_per_level,
  learningRate: config.training.learning_rate,
  minLearningRate: Math.min(1e-5, config.training.learning_rate),
  patience: config.training.patience === 0 ? Number.POSITIVE_INFINITY : config.training.patience,
  checkpointEvery: config.training.checkpoint_every === 0 ? Number.POSITIVE_INFINITY : config.training.checkpoint_every,
  startLevel: config.curriculum.start_level,
  endLevel: config.curriculum.end_level,
  advanceThreshold: config.curriculum.advance_threshold,
  minEpochsPerLevel: Math.min(config.curriculum.min_epochs_per_level, config.training.epochs_per_level),
  seed: config.training.seed,
  replayFraction: 0.25,
  polishIterations: 60,
  polishSample: 4096,
  logEvery: 100,
  validationLimit: 2000,
  replayLimit: config.hardware.stream_data ? 10_000 : Number.POSITIVE_INFINITY,
  costs: {
    nodeInsertion: config.loss.node_insertion_cost,
    nodeDeletion: config.loss.node_deletion_cost,
    edgeInsertion: config.loss.edge_insertion_cost,
    edgeDeletion: config.loss.edge_deletion_cost
  }
})

const toTrainerError = (e: StorageError) => new TrainerError({ message: e.message, cause: e })

/** A split's first `limit` examples for grading, labelled line by line as they are read (the raw lines are not all held at once). */
const readGraded = (dataDir: string, level: number, split: "val" | "test", limit = Number.POSITIVE_INFINITY) =>
  Effect.gen(function* () {
    const storage = yield* Storage
    const lines = storage.readDataset(dataDir, { level, split })
    const examples = yield* (Number.isFinite(limit) ? Stream.take(lines, limit) : lines).pipe(
      // The trainer grades by the number where a line has one: no symbolic form kept for it.
      Stream.map((l) => labelled(l.example as Example, { numberOnly: true })),
      Stream.runCollect,
      Effect.mapError(toTrainerError)
    )
    return Chunk.toReadonlyArray(examples)
  })

/**
 * A level's training split as an ExampleTable (packed as it is read: a level's parsed
 * examples never exist all at once), keeping only what the model can learn from.
 */
const readTrainingTable = (dataDir: string, level: number, keep: ((e: LabelledExample) => boolean) | undefined) =>
  Effect.gen(function* () {
    const storage = yield* Storage
    const table = ExampleTable.empty()
    let dropped = 0
    yield* storage.readDataset(dataDir, { level, split: "train" }).pipe(
      Stream.runForEach((l) =>
        Effect.sync(() => {
          const e = labelled(l.example as Example, { subtrees: true, numberOnly: true })
          if (keep === undefined || keep(e)) table.append(e)
          else dropped++
        })
      ),
      Effect.mapError(toTrainerError)
    )
    return { examples: table, dropped }
  })

/**
 * How steps are computed (SPEC §5 [hardware]): the whole batch at once without
 * parallel_batches; else `batch_shards` shards summed in order, on up to that many
 * threads (more threads than shards would idle), the workers making their brains with
 * the session's Brain layer. A brain whose layer does not say where workers can load it
 * (or workers that cannot start) computes the same shards on this thread.
 */
const stepRunnerOf = (model: BrainModel, brain: BrainApi, config: TrainConfig, emit: (event: TrainingEvent) => Effect.Effect<void, TrainerError>) =>
  Effect.gen(function* () {
    const { parallel_batches, batch_shards, num_threads } = config.hardware
    if (!parallel_batches) return plainSteps(model)
    const threads = Math.min(resolveThreads(num_threads), batch_shards)
    if (threads === 1) return shardedSteps(model, batch_shards)
    return yield* workerSteps(model, brain.source, { threads, shards: batch_shards, maxBatch: config.training.batch_size, seed: config.training.seed }).pipe(
      Effect.catchAll((e) =>
        Effect.as(emit({ _tag: "DataParallelUnavailable", reason: e.message, shards: batch_shards }), shardedSteps(model, batch_shards))
      )
    )
  })

/** Every level of the configured range must be one the curriculum knows (a plugin's level needs its plugin). */
const checkLevels = (curriculum: CurriculumApi, config: TrainConfig) =>
  Effect.forEach(
    Array.from({ length: config.curriculum.end_level - config.curriculum.start_level + 1 }, (_, i) => config.curriculum.start_level + i),
    (level) => Effect.mapError(curriculum.get(level), (e) => new TrainerError({ message: e.message, cause: e })),
    { discard: true }
  )

export const trainSession = (services: TrainerServices, config: TrainConfig, options: SessionOptions = {}) =>
  Effect.scoped(Effect.gen(function* () {
    const started = performance.now()
    const { storage, brain: brainService, optimizer: optimizerService } = services
    yield* checkLevels(services.curriculum, config)
    const settings = { ...settingsOf(config), metric: services.loss.metric }
    const dataDir = config.paths.train_data
    const out = config.paths.output_dir
    const model: BrainModel = yield* brainService.make({ seed: settings.seed })
    const optimizer = yield* optimizerService.make(model.module.parameters(), {
      learningRate: config.training.learning_rate,
      beta1: config.optimizer.beta1,
      beta2: config.optimizer.beta2,
      epsilon: config.optimizer.epsilon,
      weightDecay: config.optimizer.weight_decay,
      gradClipNorm: 1
    })
    let start: Position = initialPosition(settings)
    if (options.resume !== undefined) {
      const saved = yield* storage.readCheckpoint(options.resume, expectedOf(model)).pipe(Effect.mapError(toTrainerError))
      model.module.loadStateDict(saved.parameters)
      yield* model.loadState(saved.model.state).pipe(Effect.mapError((e) => new TrainerError({ message: e.message, cause: e })))
      if (saved.optimizer !== null) yield* optimizer.loadState(saved.optimizer).pipe(Effect.mapError((e) => new TrainerError({ message: e.message, cause: e })))
      start = (saved.rng as { position: Position }).position
    }
    const log = (line: string) =>
      Effect.zipRight(
        Effect.sync(() => options.echo?.(line)),
        storage.appendLog(config.paths.log_file, line).pipe(Effect.mapError(toTrainerError))
      )
    // The two renderings of every event: its lines in training.log, its record (if any) in metrics.jsonl.
    const emit = (event: TrainingEvent) =>
      Effect.gen(function* () {
        options.onEvent?.(event)
        for (const line of logLinesOf(event)) yield* log(line)
        const record = metricsRecordOf(event)
        if (Option.isSome(record)) yield* storage.appendMetrics(config.paths.metrics_file, record.value).pipe(Effect.mapError(toTrainerError))
      })
    const steps: StepRunner = yield* stepRunnerOf(model, brainService, config, emit)
    if (steps.threads > 1) yield* emit({ _tag: "DataParallel", shards: steps.shards, threads: steps.threads })
    const summary = yield* runCurriculum(model, optimizer, settings, {
      load: (level) =>
        // Read once per level (the trainer keeps what it needs: with stream_data, of a finished level only a replay sample).
        Effect.gen(function* () {
          const train = yield* readTrainingTable(dataDir, level, model.canLearn).pipe(Effect.provideService(Storage, storage))
          // Validation reads the first validationLimit examples of the split; the rest is never read.
          const val = yield* readGraded(dataDir, level, "val", settings.validationLimit).pipe(Effect.provideService(Storage, storage))
          return { train: train.examples, val, unlearnable: train.dropped }
        }),
      emit,
      checkpoint: (names, snapshot: Snapshot) =>
        Effect.forEach(names, (name) =>
          storage
            .writeCheckpoint(
              path.join(out, name),
              checkpointOf({
                model,
                optimizer,
                level: snapshot.position.level,
                epoch: snapshot.position.epoch,
                config,
                rng: { position: snapshot.position },
                metrics: snapshot.metrics
              })
            )
            .pipe(Effect.mapError(toTrainerError))
        ),
      progress: (p) => options.onProgress?.(p),
      interrupted: () => options.stop?.value === true
    }, start, steps)
    // The final table: the model's own answers on the held-out test split, beside an untrained brain.
    const control = yield* brainService.make({ seed: settings.seed + 1 })
    const table: Array<LevelReport> = []
    for (let level = settings.startLevel; level <= settings.endLevel; level++) {
      const test = yield* readGraded(dataDir, level, "test").pipe(Effect.provideService(Storage, storage))
      const result = summary.levels.find((r) => r.level === level)
      table.push({
        level,
        epochs: result?.epochs ?? 0,
        validation: result?.accuracy ?? summary.position.finished[String(level)] ?? 0,
        test: accuracyOf(model, test),
        untrained: accuracyOf(control, test),
        testCount: test.length
      })
    }
    return { summary, table, seconds: (performance.now() - started) / 1000 } satisfies SessionResult
  }))

export const formatTable = (result: SessionResult): string => {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`.padStart(8)
  const rows = result.table.map(
    (r) => `  ${String(r.level).padStart(5)}  ${String(r.epochs).padStart(6)}  ${pct(r.validation)}  ${pct(r.test)}  ${pct(r.untrained)}  ${String(r.testCount).padStart(7)}`
  )
  return [
    "  level  epochs  val acc.  test acc.  untrained  test n",
    ...rows,
    `  wall time ${(result.seconds / 60).toFixed(1)} min${result.summary.interrupted ? " (interrupted; resume with --resume <output>/latest.bin)" : ""}`
  ].join("\n")
}
