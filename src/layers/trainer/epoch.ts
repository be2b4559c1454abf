/**
 * One epoch of a level: shuffled batches with replay (each a step of the optimizer at
 * the cosine learning rate), a logged batch now and then, the brain's polish in the
 * second half of the schedule, and the measurements at its end.
 */
import { Effect } from "effect"
import { Rng } from "../../domain/Random.js"
import type { TrainingEvent } from "../../domain/TrainingEvent.js"
import type { BrainExample, BrainModel } from "../../services/Brain.js"
import type { OptimizerInstance } from "../../services/Optimizer.js"
import { stepAttempt, type Position, type TrainerIo, type TrainerSettings } from "./types.js"
import { indicesOf } from "./levelData.js"
import { accuracyOfAnswers, meanGed, meanGedOfAnswers, type Answers, type GedMetric } from "./measure.js"
import type { StepRunner } from "./parallel/StepRunner.js"
import { cosineRate, epochBatches } from "./schedule.js"
import { examplesAt, type ExampleList } from "./table.js"
import type { LabelledExample } from "./examples.js"

/** What an epoch works with. */
export interface Trainee {
  readonly model: BrainModel
  readonly optimizer: OptimizerInstance
  readonly settings: TrainerSettings
  readonly io: TrainerIo
  readonly steps: StepRunner
  readonly metric: GedMetric
}

/** The level being trained: its examples, the replay pool after them, and its schedule. */
export interface LevelPlan {
  readonly level: number
  readonly train: ExampleList<BrainExample>
  readonly replayPool: ExampleList<BrainExample>
  readonly validation: ReadonlyArray<LabelledExample>
  readonly batchesPerEpoch: number
  readonly totalSteps: number
}

export type EpochOutcome =
  | { readonly _tag: "Stopped"; readonly batch: number; readonly batches: number; readonly lossSum: number }
  | { readonly _tag: "Trained"; readonly meanLoss: number; readonly started: number }

/** One optimizer step on the batch at the learning rate of step `step`: the batch's loss. */
const trainBatch = (t: Trainee, plan: LevelPlan, step: number, current: ReadonlyArray<number>, replay: ReadonlyArray<number>) => {
  const batch = [...examplesAt(plan.train, current), ...examplesAt(plan.replayPool, replay)]
  // A batch's indices point into the training split, then the replay pool.
  const indices = [...current, ...replay.map((i) => plan.train.length + i)]
  const progress = { fraction: step / plan.totalSteps }
  t.optimizer.setLearningRate(cosineRate(step, plan.totalSteps, t.settings.learningRate, t.settings.minLearningRate))
  t.optimizer.zeroGrad()
  t.model.prepareStep?.(batch, progress)
  return Effect.map(stepAttempt(() => t.steps.step(indices, batch, progress)), (loss) => {
    t.optimizer.step()
    return { loss, batch }
  })
}

/**
 * The epoch's batches from where `position` stands (after the batches an interrupted
 * run already did), until the last or until the user stops.
 */
export const trainEpoch = (t: Trainee, plan: LevelPlan, epoch: number, rng: Rng, resumed: Position["partial"]) =>
  Effect.gen(function* () {
    const { level } = plan
    const batches = epochBatches(rng, plan.train.length, plan.replayPool.length, t.settings.batchSize, t.settings.replayFraction)
    const started = performance.now()
    let lossSum = resumed?.lossSum ?? 0
    let seen = 0
    for (let b = resumed?.batches ?? 0; b < batches.length; b++) {
      if (t.io.interrupted()) return { _tag: "Stopped", batch: b, batches: batches.length, lossSum } satisfies EpochOutcome
      const { current, replay } = batches[b] as (typeof batches)[number]
      const { loss, batch } = yield* trainBatch(t, plan, (epoch - 1) * plan.batchesPerEpoch + b, current, replay)
      lossSum += loss
      seen += batch.length
      if ((b + 1) % t.settings.logEvery === 0 || b === batches.length - 1)
        yield* t.io.emit({ _tag: "BatchLogged", level, epoch, batch: b + 1, batches: batches.length, loss, ged: meanGed(t.model, batch, t.settings.costs, t.metric) })
      const seconds = (performance.now() - started) / 1000
      t.io.progress({ level, epoch, epochs: t.settings.epochsPerLevel, batch: b + 1, batches: batches.length, loss, examplesPerSecond: seen / Math.max(1e-9, seconds), seconds })
      if (b % 16 === 15) yield* Effect.yieldNow()
    }
    return { _tag: "Trained", meanLoss: lossSum / batches.length, started } satisfies EpochOutcome
  })

/**
 * The brain's second-order polish after an epoch of the schedule's second half: a fixed
 * random subset of the level, plus a quarter as many replayed examples so that the fit
 * does not pull earlier levels' units away. Reads `rng` without advancing it.
 */
export const polishIfDue = (t: Trainee, plan: LevelPlan, epoch: number, rng: Rng): void => {
  const { polishIterations, polishSample } = t.settings
  const fraction = (epoch * plan.batchesPerEpoch) / plan.totalSteps
  if (polishIterations <= 0 || t.model.polish === undefined || fraction < 0.5) return
  const pick = Rng.fromState(rng.state())
  const sample = examplesAt(plan.train, pick.shuffle(indicesOf(plan.train.length)).slice(0, polishSample))
  const replaySample = examplesAt(plan.replayPool, pick.shuffle(indicesOf(plan.replayPool.length)).slice(0, Math.floor(polishSample / 4)))
  t.model.polish([...sample, ...replaySample], polishIterations)
}

/** The examples' answers, group by group, from one prediction of them all. */
const answersByGroup = (model: BrainModel, groups: ReadonlyArray<ReadonlyArray<LabelledExample>>): Array<Answers> => {
  const inputs = groups.flatMap((g) => g.map((e) => e.input))
  const answers = inputs.length === 0 ? [] : model.predict(inputs)
  let at = 0
  return groups.map((g) => answers.slice(at, (at += g.length)))
}

/** Validation examples whose answers the epoch's GED is measured on. */
const GED_SAMPLE = 500

/**
 * The epoch's results: accuracy on the level's validation examples, the GED measured
 * like it (on the first of them, after the epoch), and every earlier level's accuracy
 * (replay). Every example is predicted once (the GED reads answers the accuracy already
 * asked for), in one call: an answer does not depend on the other inputs asked with it
 * (the forward pass is row by row; the answers of levels 2–7's validation are the same
 * asked whole, in halves, in part or reversed).
 */
export const epochCompleted = (
  t: Trainee,
  plan: LevelPlan,
  epoch: number,
  trained: { readonly meanLoss: number; readonly started: number },
  earlierValidation: ReadonlyArray<readonly [number, ReadonlyArray<LabelledExample>]>
): Extract<TrainingEvent, { _tag: "EpochCompleted" }> => {
  const earlier = earlierValidation.map(([level, examples]) => [level, examples.slice(0, t.settings.validationLimit)] as const)
  const [answers = [], ...earlierAnswers] = answersByGroup(t.model, [plan.validation, ...earlier.map(([, examples]) => examples)])
  const accuracy = accuracyOfAnswers(plan.validation, answers)
  const ged = meanGedOfAnswers(plan.validation.slice(0, GED_SAMPLE), answers.slice(0, GED_SAMPLE), t.settings.costs, t.metric)
  const validation: Record<string, number> = {}
  earlier.forEach(([level, examples], i) => {
    validation[String(level)] = accuracyOfAnswers(examples, earlierAnswers[i] ?? [])
  })
  return {
    _tag: "EpochCompleted",
    level: plan.level,
    epoch,
    epochs: t.settings.epochsPerLevel,
    loss: trained.meanLoss,
    ged,
    accuracy,
    validation,
    seconds: (performance.now() - trained.started) / 1000,
    rssBytes: process.memoryUsage.rss()
  }
}
