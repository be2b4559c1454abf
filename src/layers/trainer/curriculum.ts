/**
 * The curriculum loop (SPEC §5, the seed's phase 3): level by level, epochs of shuffled
 * batches with replay of earlier levels, the brain's objective and the chosen
 * optimizer, validation accuracy after every epoch (SPEC §6, graded on the model's own
 * answers), advancing, early stopping, checkpoints, the seed's log format and metrics.
 *
 * Everything that touches the outside world goes through `TrainerIo`, so the loop is
 * the same with files or in memory, and resuming from a snapshot replays the same RNG
 * stream (2 epochs straight = 1 epoch + resume + 1 epoch, bit for bit).
 */
import { Effect } from "effect"
import { toGraph } from "../../domain/Graph.js"
import { ged, type GedCosts } from "../../domain/ged/index.js"
import type { Expr } from "../../domain/Expr.js"
import { Rng, type RngState } from "../../domain/Random.js"
import type { BrainExample, BrainModel, BrainState } from "../../services/Brain.js"
import type { OptimizerInstance, OptimizerState } from "../../services/Optimizer.js"
import { isCorrect } from "../grading.js"
import type { LabelledExample } from "./examples.js"
import { plainSteps, type StepRunner } from "./parallel/StepRunner.js"
import { cosineRate, decide, epochBatches, type LevelDecision } from "./schedule.js"
import { ConcatList, ExampleTable, examplesAt, type ExampleList } from "./table.js"

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
  readonly log: (line: string) => Effect.Effect<void, TrainerError>
  readonly metrics: (record: Readonly<Record<string, unknown>>) => Effect.Effect<void, TrainerError>
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

export class TrainerError extends Error {
  override readonly name = "TrainerError"
}

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

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3))

/** SPEC §6 accuracy of the model's own answers. */
export const accuracyOf = (model: BrainModel, examples: ReadonlyArray<LabelledExample>): number => {
  if (examples.length === 0) return 0
  const answers = model.predict(examples.map((e) => e.input))
  let ok = 0
  examples.forEach((e, i) => {
    if (isCorrect(answers[i], e.expected, e.input.expr)) ok++
  })
  return ok / examples.length
}

const targetExpr = (e: BrainExample): Expr => (e.target._tag === "Number" ? { _tag: "Float", value: e.target.value } : e.target.expr)

/** Mean exact GED (SPEC §6) between the model's answers and the targets; no answer = an empty graph. */
export const meanGed = (model: BrainModel, examples: ReadonlyArray<BrainExample>, costs: GedCosts): number => {
  if (examples.length === 0) return 0
  const answers = model.predict(examples.map((e) => e.input))
  let total = 0
  examples.forEach((e, i) => {
    const a = answers[i]
    const target = toGraph(targetExpr(e))
    total += ged(a === undefined ? { nodes: [], edges: [] } : toGraph(a), target, costs).distance
  })
  return total / examples.length
}

/** The examples at `indices`: a table's rows stay packed, an array's are picked. */
const subList = (list: ExampleList<BrainExample>, indices: ReadonlyArray<number>): ExampleList<BrainExample> =>
  list instanceof ExampleTable ? list.select(indices) : examplesAt(list, indices)

const indicesOf = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i)

/** A finished level's replay sample (seeded by the level, so a resumed run keeps the same) and validation examples. */
const reduced = (splits: LevelSplits, level: number, settings: TrainerSettings): LevelSplits => {
  const val = splits.val.slice(0, settings.validationLimit)
  if (splits.train.length <= settings.replayLimit) return { train: splits.train, val }
  const order = Rng.seeded(settings.seed, 0x4e9 + level).shuffle(indicesOf(splits.train.length))
  return { train: subList(splits.train, order.slice(0, settings.replayLimit)), val }
}

/** A step's failure (e.g. a worker thread's) as a TrainerError with its message. */
const stepAttempt = <A>(f: () => A) =>
  Effect.try({ try: f, catch: (e) => new TrainerError(e instanceof Error ? e.message : String(e)) })

export const initialPosition = (settings: TrainerSettings): Position => ({
  level: settings.startLevel,
  epoch: 0,
  rng: Rng.seeded(settings.seed, 0x7a1).state(),
  best: 0,
  stale: 0,
  finished: {},
  done: false
})

export const runCurriculum = (
  model: BrainModel,
  optimizer: OptimizerInstance,
  settings: TrainerSettings,
  io: TrainerIo,
  start: Position = initialPosition(settings),
  steps: StepRunner = plainSteps(model)
): Effect.Effect<TrainingSummary, TrainerError> =>
  Effect.gen(function* () {
    const results: Array<LevelResult> = []
    const loaded = new Map<number, LevelSplits>()
    /** A level's splits; a finished level (below `current`) reduced to its replay sample and validation examples. */
    const splitsOf = (level: number, current: number) =>
      Effect.gen(function* () {
        const cached = loaded.get(level)
        if (cached !== undefined && (level === current || cached.train.length <= settings.replayLimit)) return cached
        const splits = cached ?? learnable(yield* io.load(level))
        const kept = level === current ? splits : reduced(splits, level, settings)
        loaded.set(level, kept)
        return kept
      })
    /** Only what the model can learn from is trained on (e.g. no derivatives for a brain that answers numbers). */
    const learnable = (splits: LevelSplits): LevelSplits => {
      const keep = model.canLearn
      if (keep === undefined || splits.unlearnable !== undefined) return splits
      const kept = indicesOf(splits.train.length).filter((i) => keep(splits.train.at(i) as BrainExample))
      return { ...splits, train: subList(splits.train, kept), unlearnable: splits.train.length - kept.length }
    }
    let position = start
    const snapshot = (metrics: Record<string, number>): Snapshot => ({
      position,
      parameters: model.module.stateDict(),
      brainState: model.state(),
      optimizer: optimizer.state(),
      metrics
    })

    for (let level = position.level; level <= settings.endLevel && !position.done; level++) {
      // Finished levels shrink to their replay samples, and the workers drop their copy,
      // before this level is read: the peak memory is one level, not two.
      const replayParts: Array<ExampleList<BrainExample>> = []
      for (let earlier = settings.startLevel; earlier < level; earlier++) replayParts.push((yield* splitsOf(earlier, level)).train)
      const replayPool = new ConcatList(replayParts)
      yield* stepAttempt(() => steps.setExamples([]))
      const { train, val, unlearnable = 0 } = yield* splitsOf(level, level)
      if (train.length + unlearnable === 0) return yield* Effect.fail(new TrainerError(`level ${level}: the training split is empty`))
      if (train.length === 0) {
        // Nothing here fits the model's inputs or outputs: no epochs, but graded all the same.
        const accuracy = accuracyOf(model, val.slice(0, settings.validationLimit))
        yield* io.log(`[Level ${level}] The brain cannot learn from any of the ${unlearnable} training examples (no input or output for them): no epochs, validation accuracy=${accuracy.toFixed(4)}`)
        yield* io.metrics({ event: "skip", level, unlearnable, accuracy })
        position = { ...position, level: level + 1, epoch: 0, best: 0, stale: 0, finished: { ...position.finished, [String(level)]: accuracy }, done: level + 1 > settings.endLevel }
        yield* io.checkpoint(["latest.bin"], snapshot({ accuracy }))
        results.push({ level, epochs: 0, accuracy, outcome: "NothingToLearn" })
        continue
      }
      if (unlearnable > 0) yield* io.log(`[Level ${level}] Training on ${train.length} examples; ${unlearnable} do not fit the brain's inputs or outputs`)
      const validation = val.slice(0, settings.validationLimit)
      // A batch's indices point into the training split, then the replay pool.
      yield* stepAttempt(() => steps.setExamples(new ConcatList([train, replayPool])))
      const rng = Rng.fromState(position.rng)
      const batchesPerEpoch = epochBatches(Rng.fromState(position.rng), train.length, replayPool.length, settings.batchSize, settings.replayFraction).length
      const totalSteps = settings.epochsPerLevel * batchesPerEpoch
      let best = position.best
      let stale = position.stale
      let outcome: LevelResult["outcome"] = "OutOfEpochs"
      let accuracy = 0
      let epoch = position.epoch
      while (epoch < settings.epochsPerLevel) {
        epoch++
        yield* io.log(`[Level ${level}] Epoch ${epoch}/${settings.epochsPerLevel}`)
        const batches = epochBatches(rng, train.length, replayPool.length, settings.batchSize, settings.replayFraction)
        const started = performance.now()
        const resumed = position.partial
        position = { ...position, partial: undefined }
        let lossSum = resumed?.lossSum ?? 0
        let seen = 0
        let b = resumed?.batches ?? 0
        for (; b < batches.length; b++) {
          if (io.interrupted()) {
            outcome = "Interrupted"
            break
          }
          const step = (epoch - 1) * batchesPerEpoch + b
          const { current, replay } = batches[b] as (typeof batches)[number]
          const batch = [...examplesAt(train, current), ...examplesAt(replayPool, replay)]
          const indices = [...current, ...replay.map((i) => train.length + i)]
          const progress = { fraction: step / totalSteps }
          optimizer.setLearningRate(cosineRate(step, totalSteps, settings.learningRate, settings.minLearningRate))
          optimizer.zeroGrad()
          model.prepareStep?.(batch, progress)
          const value = yield* stepAttempt(() => steps.step(indices, batch, progress))
          optimizer.step()
          lossSum += value
          seen += batch.length
          const last = b === batches.length - 1
          if ((b + 1) % settings.logEvery === 0 || last) {
            const g = meanGed(model, batch, settings.costs)
            yield* io.log(`  Batch ${b + 1}/${batches.length}: loss=${fmt(value)}, GED=${fmt(g)}`)
            yield* io.metrics({ kind: "batch", level, epoch, batch: b + 1, batches: batches.length, loss: value, ged: g })
          }
          io.progress({
            level,
            epoch,
            epochs: settings.epochsPerLevel,
            batch: b + 1,
            batches: batches.length,
            loss: value,
            examplesPerSecond: seen / Math.max(1e-9, (performance.now() - started) / 1000),
            seconds: (performance.now() - started) / 1000
          })
          if (b % 16 === 15) yield* Effect.yieldNow()
        }
        if (outcome === "Interrupted") {
          position = { ...position, partial: { batches: b, lossSum } }
          yield* io.log(`[Level ${level}] Interrupted in epoch ${epoch} after batch ${b}/${batches.length}; latest.bin continues from there`)
          yield* io.checkpoint(["latest.bin"], snapshot({}))
          results.push({ level, epochs: epoch - 1, accuracy: best, outcome })
          return { levels: results, interrupted: true, position }
        }
        const fraction = (epoch * batchesPerEpoch) / totalSteps
        if (settings.polishIterations > 0 && model.polish !== undefined && fraction >= 0.5) {
          // A fixed random subset of this level, plus a quarter as many replayed examples
          // so that the fit does not pull earlier levels' units away.
          const pick = Rng.fromState(rng.state())
          const sample = examplesAt(train, pick.shuffle(indicesOf(train.length)).slice(0, settings.polishSample))
          const replaySample = examplesAt(replayPool, pick.shuffle(indicesOf(replayPool.length)).slice(0, Math.floor(settings.polishSample / 4)))
          model.polish([...sample, ...replaySample], settings.polishIterations)
        }
        accuracy = accuracyOf(model, validation)
        const meanLoss = lossSum / batches.length
        // The epoch's GED is measured like its accuracy: on validation, after the epoch.
        const epochGed = meanGed(model, validation.slice(0, 500), settings.costs)
        yield* io.log(`  Epoch complete: avg_loss=${fmt(meanLoss)}, GED=${fmt(epochGed)}, accuracy=${accuracy.toFixed(4)}`)
        const earlier: Record<string, number> = {}
        for (let prev = settings.startLevel; prev < level; prev++)
          earlier[String(prev)] = accuracyOf(model, (yield* splitsOf(prev, level)).val.slice(0, settings.validationLimit))
        if (level > settings.startLevel)
          yield* io.log(`  Validation: ${Object.entries(earlier).map(([l, a]) => `level ${l} accuracy=${a.toFixed(4)}`).join(", ")}`)
        yield* io.metrics({
          kind: "epoch",
          level,
          epoch,
          epochs: settings.epochsPerLevel,
          loss: meanLoss,
          ged: epochGed,
          accuracy,
          validation: earlier,
          seconds: (performance.now() - started) / 1000,
          rssBytes: process.memoryUsage.rss()
        })
        if (accuracy > best) {
          best = accuracy
          stale = 0
        } else stale++
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
          ? {
              level: level + 1,
              epoch: 0,
              rng: rng.state(),
              best: 0,
              stale: 0,
              finished: { ...position.finished, [String(level)]: accuracy },
              done: level + 1 > settings.endLevel
            }
          : { ...position, level, epoch, rng: rng.state(), best, stale }
        const names: Array<string> = []
        if (epoch % settings.checkpointEvery === 0 || levelEnds) names.push(`epoch_${epoch}_level_${level}.bin`, "latest.bin")
        if (names.length > 0) yield* io.checkpoint(names, snapshot({ accuracy, loss: meanLoss, ged: epochGed }))
        if (levelEnds) {
          model.consolidate?.()
          outcome = decision._tag
          if (decision._tag === "Advance" && level < settings.endLevel) {
            yield* io.log(`[Level ${level}] Advancing to Level ${level + 1} (accuracy ${accuracy.toFixed(2)} > ${settings.advanceThreshold})`)
            yield* io.metrics({ event: "advance", level, to: level + 1, epoch, accuracy, threshold: settings.advanceThreshold })
          }
          else if (decision._tag === "EarlyStop")
            yield* io.log(`[Level ${level}] Early stop: no improvement for ${stale} epochs (accuracy ${accuracy.toFixed(2)})`)
          else if (decision._tag === "OutOfEpochs")
            yield* io.log(`[Level ${level}] Out of epochs (accuracy ${accuracy.toFixed(2)} ≤ ${settings.advanceThreshold})`)
          break
        }
      }
      results.push({ level, epochs: epoch, accuracy, outcome })
    }
    yield* io.checkpoint(["final.bin"], snapshot({}))
    return { levels: results, interrupted: false, position }
  })
