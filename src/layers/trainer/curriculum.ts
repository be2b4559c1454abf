/**
 * The curriculum loop (SPEC §5, the seed's phase 3): level by level, epochs of shuffled
 * batches with replay of earlier levels, the brain's objective and the chosen
 * optimizer, validation accuracy after every epoch (SPEC §6, graded on the model's own
 * answers), advancing, early stopping, checkpoints, the seed's log format and metrics.
 *
 * The loop reports what happens as typed events (src/domain/TrainingEvent.ts); the
 * session renders them as `training.log` and `metrics.jsonl`. Everything that touches
 * the outside world goes through `TrainerIo`, so the loop is
 * the same with files or in memory, and resuming from a snapshot replays the same RNG
 * stream (2 epochs straight = 1 epoch + resume + 1 epoch, bit for bit).
 */
import { Effect } from "effect"
import { ged } from "../../domain/ged/index.js"
import { Rng, type RngState } from "../../domain/Random.js"
import type { TrainingEvent } from "../../domain/TrainingEvent.js"
import type { BrainExample, BrainModel } from "../../services/Brain.js"
import type { OptimizerInstance } from "../../services/Optimizer.js"
import { epochCompleted, polishIfDue, trainEpoch, type LevelPlan, type Trainee } from "./epoch.js"
import type { LabelledExample } from "./examples.js"
import { levelData } from "./levelData.js"
import { accuracyOf } from "./measure.js"
import { plainSteps, type StepRunner } from "./parallel/StepRunner.js"
import { checkpointNames, decide, epochBatches, nextBest, type LevelDecision } from "./schedule.js"
import { ConcatList, type ExampleList } from "./table.js"
import {
  stepAttempt,
  TrainerError,
  type LevelResult,
  type LevelSplits,
  type Position,
  type Snapshot,
  type TrainerIo,
  type TrainerSettings,
  type TrainingSummary
} from "./types.js"

export { accuracyOf, meanGed, type GedMetric } from "./measure.js"
export * from "./types.js"

export const initialPosition = (settings: TrainerSettings): Position => ({
  level: settings.startLevel,
  epoch: 0,
  rng: Rng.seeded(settings.seed, 0x7a1).state(),
  best: 0,
  stale: 0,
  finished: {},
  done: false
})

/** Where training stands once `level` is finished with `accuracy`. */
const afterLevel = (position: Position, level: number, accuracy: number, rng: RngState, endLevel: number): Position => ({
  level: level + 1,
  epoch: 0,
  rng,
  best: 0,
  stale: 0,
  finished: { ...position.finished, [String(level)]: accuracy },
  done: level + 1 > endLevel
})

/** How a level ended, as the event that says so (an advance past the last level is not one). */
const levelEndEvent = (decision: LevelDecision, level: number, epoch: number, stale: number, settings: TrainerSettings): TrainingEvent | undefined => {
  switch (decision._tag) {
    case "Advance":
      return level < settings.endLevel
        ? { _tag: "Advanced", level, to: level + 1, epoch, accuracy: decision.accuracy, threshold: settings.advanceThreshold }
        : undefined
    case "EarlyStop":
      return { _tag: "EarlyStopped", level, stale, accuracy: decision.accuracy }
    case "OutOfEpochs":
      return { _tag: "OutOfEpochs", level, accuracy: decision.accuracy, threshold: settings.advanceThreshold }
    case "Continue":
      return undefined
  }
}

type LevelEnd = { readonly result: LevelResult; readonly position: Position; readonly interrupted: boolean }

export const runCurriculum = (
  model: BrainModel,
  optimizer: OptimizerInstance,
  settings: TrainerSettings,
  io: TrainerIo,
  start: Position = initialPosition(settings),
  steps: StepRunner = plainSteps(model)
): Effect.Effect<TrainingSummary, TrainerError> =>
  Effect.gen(function* () {
    const t: Trainee = { model, optimizer, settings, io, steps, metric: settings.metric ?? ged }
    const data = levelData(model, settings, io)
    const snapshot = (position: Position, metrics: Record<string, number>): Snapshot => ({
      position,
      parameters: model.module.stateDict(),
      brainState: model.state(),
      optimizer: optimizer.state(),
      metrics
    })

    /** A level none of whose training examples the model can learn from: no epochs, graded all the same. */
    const skipLevel = (position: Position, level: number, val: ReadonlyArray<LabelledExample>, unlearnable: number) =>
      Effect.gen(function* () {
        const accuracy = accuracyOf(model, val.slice(0, settings.validationLimit))
        yield* io.emit({ _tag: "NothingToLearn", level, unlearnable, accuracy })
        const next = afterLevel(position, level, accuracy, position.rng, settings.endLevel)
        yield* io.checkpoint(["latest.bin"], snapshot(next, { accuracy }))
        return { result: { level, epochs: 0, accuracy, outcome: "NothingToLearn" }, position: next, interrupted: false } satisfies LevelEnd
      })

    /** Epochs of `plan.level` from `position` until the level ends, or the user stops. */
    const trainLevel = (start: Position, plan: LevelPlan) =>
      Effect.gen(function* () {
        const { level } = plan
        let position = start
        const rng = Rng.fromState(position.rng)
        let { best, stale } = position
        let accuracy = 0
        let epoch = position.epoch
        while (epoch < settings.epochsPerLevel) {
          epoch++
          yield* io.emit({ _tag: "EpochStarted", level, epoch, epochs: settings.epochsPerLevel })
          const resumed = position.partial
          position = { ...position, partial: undefined }
          const outcome = yield* trainEpoch(t, plan, epoch, rng, resumed)
          if (outcome._tag === "Stopped") {
            position = { ...position, partial: { batches: outcome.batch, lossSum: outcome.lossSum } }
            yield* io.emit({ _tag: "Interrupted", level, epoch, batch: outcome.batch, batches: outcome.batches })
            yield* io.checkpoint(["latest.bin"], snapshot(position, {}))
            return { result: { level, epochs: epoch - 1, accuracy: best, outcome: "Interrupted" }, position, interrupted: true } satisfies LevelEnd
          }
          polishIfDue(t, plan, epoch, rng)
          const earlier: Array<readonly [number, ReadonlyArray<LabelledExample>]> = []
          for (let prev = settings.startLevel; prev < level; prev++) earlier.push([prev, (yield* data.splitsOf(prev, level)).val])
          const completed = epochCompleted(t, plan, epoch, outcome, earlier)
          accuracy = completed.accuracy
          yield* io.emit(completed)
          ;({ best, stale } = nextBest({ best, stale }, accuracy))
          const decision = decide({
            epoch,
            accuracy,
            stale,
            epochsPerLevel: settings.epochsPerLevel,
            minEpochs: settings.minEpochsPerLevel,
            threshold: settings.advanceThreshold,
            patience: settings.patience
          })
          const levelEnds = decision._tag !== "Continue"
          position = levelEnds
            ? afterLevel(position, level, accuracy, rng.state(), settings.endLevel)
            : { ...position, level, epoch, rng: rng.state(), best, stale }
          const names = checkpointNames(level, epoch, settings.checkpointEvery, levelEnds)
          if (names.length > 0) yield* io.checkpoint(names, snapshot(position, { accuracy, loss: completed.loss, ged: completed.ged }))
          if (decision._tag !== "Continue") {
            model.consolidate?.()
            const ended = levelEndEvent(decision, level, epoch, stale, settings)
            if (ended !== undefined) yield* io.emit(ended)
            return { result: { level, epochs: epoch, accuracy, outcome: decision._tag }, position, interrupted: false } satisfies LevelEnd
          }
        }
        return { result: { level, epochs: epoch, accuracy, outcome: "OutOfEpochs" }, position, interrupted: false } satisfies LevelEnd
      })

    /** A level from its data: the replay pool of the finished levels, then its epochs (or none, when nothing fits the model). */
    const runLevel = (position: Position, level: number) =>
      Effect.gen(function* () {
        // Finished levels shrink to their replay samples, and the workers drop their copy,
        // before this level is read: the peak memory is one level, not two.
        const replayParts: Array<ExampleList<BrainExample>> = []
        for (let earlier = settings.startLevel; earlier < level; earlier++) replayParts.push((yield* data.splitsOf(earlier, level)).train)
        const replayPool = new ConcatList(replayParts)
        yield* stepAttempt(() => steps.setExamples([]))
        const { train, val, unlearnable = 0 } = yield* data.splitsOf(level, level)
        if (train.length + unlearnable === 0) return yield* new TrainerError({ message: `level ${level}: the training split is empty` })
        if (train.length === 0) return yield* skipLevel(position, level, val, unlearnable)
        if (unlearnable > 0) yield* io.emit({ _tag: "SomeUnlearnable", level, learnable: train.length, unlearnable })
        yield* stepAttempt(() => steps.setExamples(new ConcatList([train, replayPool])))
        const batchesPerEpoch = epochBatches(Rng.fromState(position.rng), train.length, replayPool.length, settings.batchSize, settings.replayFraction).length
        return yield* trainLevel(position, {
          level,
          train,
          replayPool,
          validation: val.slice(0, settings.validationLimit),
          batchesPerEpoch,
          totalSteps: settings.epochsPerLevel * batchesPerEpoch
        })
      })

    const results: Array<LevelResult> = []
    let position = start
    for (let level = position.level; level <= settings.endLevel && !position.done; level++) {
      const end = yield* runLevel(position, level)
      results.push(end.result)
      position = end.position
      if (end.interrupted) return { levels: results, interrupted: true, position }
    }
    yield* io.checkpoint(["final.bin"], snapshot(position, {}))
    return { levels: results, interrupted: false, position }
  })
