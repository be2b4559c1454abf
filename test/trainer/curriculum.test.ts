import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { parse } from "../../src/domain/Polish.js"
import type { TrainingEvent } from "../../src/domain/TrainingEvent.js"
import { logLinesOf } from "../../src/domain/trainingLog/render.js"
import { defaultGedCosts, ged } from "../../src/domain/ged/index.js"
import type { LabelledExample } from "../../src/layers/trainer/examples.js"
import {
  initialPosition,
  runCurriculum,
  type LevelSplits,
  type Snapshot,
  type TrainerIo,
  type TrainerSettings
} from "../../src/layers/trainer/curriculum.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { accuracyOf, meanGed } from "../../src/layers/trainer/measure.js"
import { epochCompleted, type LevelPlan, type Trainee } from "../../src/layers/trainer/epoch.js"
import { plainSteps } from "../../src/layers/trainer/parallel/StepRunner.js"
import type { BrainModel } from "../../src/services/Brain.js"
import { builtinLevels } from "../../src/plugins/index.js"
import { brain, drawLevel, optimizerFor } from "../brain/support.js"

const settings: TrainerSettings = {
  batchSize: 32,
  epochsPerLevel: 3,
  learningRate: 0.01,
  minLearningRate: 1e-5,
  patience: 5,
  checkpointEvery: 1,
  startLevel: 1,
  endLevel: 2,
  advanceThreshold: 0.95,
  minEpochsPerLevel: 1,
  seed: 7,
  replayFraction: 0.25,
  polishIterations: 10,
  polishSample: 200,
  logEvery: 5,
  validationLimit: 100,
  replayLimit: Number.POSITIVE_INFINITY,
  costs: defaultGedCosts
}

const data = new Map<number, LevelSplits>(
  [1, 2].map((level) => {
    const count = level === 1 ? 2400 : 500
    const all = drawLevel(builtinLevels[level - 1]!, count, 3).map(
      (e, i): LabelledExample => ({ ...e, id: `L${level}-${i}`, level, subtreeValues: subtreeValues(e.input.expr, e.input.bindings) })
    )
    return [level, { train: all.slice(0, count - 100), val: all.slice(count - 100) }] as const
  })
)

const memoryIo = (stopAfterBatches = Infinity) => {
  const lines: Array<string> = []
  const events: Array<TrainingEvent> = []
  const checkpoints = new Map<string, Snapshot>()
  let batches = 0
  const io: TrainerIo = {
    load: (level) => Effect.succeed(data.get(level)!),
    emit: (event) =>
      Effect.sync(() => {
        events.push(event)
        lines.push(...logLinesOf(event))
      }),
    checkpoint: (names, snapshot) => Effect.sync(() => names.forEach((n) => checkpoints.set(n, snapshot))),
    progress: () => void batches++,
    interrupted: () => batches >= stopAfterBatches
  }
  return { io, lines, events, checkpoints }
}

describe("an epoch's measurements", () => {
  it("predict every graded example once, in one call, and equal separate predictions' accuracy and GED", () => {
    const model = brain(1)
    Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), { ...settings, epochsPerLevel: 1 }, memoryIo().io))
    const asked: Array<number> = []
    const spy: BrainModel = { ...model, predict: (inputs) => (asked.push(inputs.length), model.predict(inputs)) }
    const val2 = data.get(2)!.val
    const val1 = data.get(1)!.val
    const limited = { ...settings, validationLimit: 60 }
    const trainee: Trainee = { model: spy, optimizer: optimizerFor(model, "adam"), settings: limited, io: memoryIo().io, steps: plainSteps(spy), metric: ged }
    const plan: LevelPlan = { level: 2, train: [], replayPool: [], validation: val2, batchesPerEpoch: 1, totalSteps: 1 }
    const event = epochCompleted(trainee, plan, 1, { meanLoss: 0, started: performance.now() }, [[1, val1]])
    expect(asked).toEqual([val2.length + 60])
    expect(event.accuracy).toBe(accuracyOf(model, val2))
    expect(event.accuracy).toBeGreaterThan(0)
    expect(event.ged).toBe(meanGed(model, val2.slice(0, 500), settings.costs))
    expect(event.validation).toEqual({ "1": accuracyOf(model, val1.slice(0, 60)) })
  })
})

describe("runCurriculum", () => {
  it("writes the seed's log format and ends with final.bin", () => {
    const model = brain(1)
    const { io, lines, checkpoints } = memoryIo()
    const summary = Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), settings, io))
    expect(lines[0]).toBe("[Level 1] Epoch 1/3")
    expect(lines.some((l) => /^ {2}Batch \d+\/\d+: loss=[-0-9.e]+, GED=[-0-9.e]+$/.test(l))).toBe(true)
    expect(lines.some((l) => /^ {2}Epoch complete: avg_loss=[-0-9.e]+, GED=[-0-9.e]+, accuracy=[0-9.]+$/.test(l))).toBe(true)
    expect(lines.some((l) => /^\[Level 1\] Advancing to Level 2 \(accuracy [0-9.]+ > 0.95\)$/.test(l))).toBe(true)
    expect(lines.some((l) => /^ {2}Validation: level 1 accuracy=/.test(l))).toBe(true)
    expect([...checkpoints.keys()]).toEqual(expect.arrayContaining(["latest.bin", "final.bin", "epoch_1_level_1.bin"]))
    expect(summary.levels.map((l) => l.level)).toEqual([1, 2])
  })

  it("resumes bit-identically: 2 epochs straight = 1 epoch + resume + 1 epoch", () => {
    const twoEpochs: TrainerSettings = { ...settings, endLevel: 1, epochsPerLevel: 2, advanceThreshold: 1.01 }
    const straight = brain(1)
    const straightRun = memoryIo()
    Effect.runSync(runCurriculum(straight, optimizerFor(straight, "adam"), twoEpochs, straightRun.io))

    const first = brain(1)
    const oneEpoch = { ...twoEpochs, epochsPerLevel: 2 }
    // Stop after the first epoch's checkpoint by interrupting at the start of epoch 2.
    const batchesPerEpoch = Math.ceil(2300 / 32)
    const interrupted = memoryIo(batchesPerEpoch)
    Effect.runSync(runCurriculum(first, optimizerFor(first, "adam"), oneEpoch, interrupted.io))
    const saved = interrupted.checkpoints.get("epoch_1_level_1.bin")!
    expect(saved.position.epoch).toBe(1)

    const resumed = brain(99)
    resumed.module.loadStateDict(saved.parameters)
    Effect.runSync(resumed.loadState(saved.brainState))
    const opt = optimizerFor(resumed, "adam")
    Effect.runSync(opt.loadState(saved.optimizer))
    Effect.runSync(runCurriculum(resumed, opt, oneEpoch, memoryIo().io, saved.position))

    const a = straight.module.stateDict()
    const b = resumed.module.stateDict()
    for (const key of Object.keys(a)) expect(Array.from(b[key]!)).toEqual(Array.from(a[key]!))
  })

  it("an interrupt inside an epoch (Ctrl-C) resumes from the next batch: the weights equal a straight run's", () => {
    const twoEpochs: TrainerSettings = { ...settings, endLevel: 1, epochsPerLevel: 2, advanceThreshold: 1.01 }
    const straight = brain(1)
    Effect.runSync(runCurriculum(straight, optimizerFor(straight, "adam"), twoEpochs, memoryIo().io))

    const first = brain(1)
    const interrupted = memoryIo(90) // epoch 2, batch 19 of 72
    const summary = Effect.runSync(runCurriculum(first, optimizerFor(first, "adam"), twoEpochs, interrupted.io))
    expect(summary.interrupted).toBe(true)
    expect(interrupted.lines).toContain("[Level 1] Interrupted in epoch 2 after batch 18/72; latest.bin continues from there")
    const saved = interrupted.checkpoints.get("latest.bin")!
    expect(saved.position).toMatchObject({ epoch: 1, partial: { batches: 18 } })

    const resumed = brain(99)
    resumed.module.loadStateDict(saved.parameters)
    Effect.runSync(resumed.loadState(saved.brainState))
    const opt = optimizerFor(resumed, "adam")
    Effect.runSync(opt.loadState(saved.optimizer))
    Effect.runSync(runCurriculum(resumed, opt, twoEpochs, memoryIo().io, saved.position))
    const a = straight.module.stateDict()
    const b = resumed.module.stateDict()
    for (const key of Object.keys(a)) expect(Array.from(b[key]!)).toEqual(Array.from(a[key]!))
  })

  it("a level the brain cannot learn from (expression answers to inputs it has no emitter shape for) gets no epochs but is graded", () => {
    // A plugin-like level: the expression (+ x k) itself as the answer to (+ x k), x unbound.
    const identities = Array.from({ length: 60 }, (_, k): LabelledExample => {
      const expr = parse(`(+ x ${k + 1})`).pipe(Either.getOrThrow)
      return { id: `L8-${k}`, level: 8, key: `k${k}`, input: { expr, bindings: [] }, target: { _tag: "Expression", expr }, expected: { result: null, symbolic: expr } }
    })
    const memory = memoryIo()
    const lines = memory.lines
    const io: TrainerIo = { ...memory.io, load: () => Effect.succeed({ train: identities.slice(0, 50), val: identities.slice(50) }) }
    const model = brain(1)
    const before = model.module.stateDict()
    const summary = Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), { ...settings, startLevel: 8, endLevel: 8 }, io))
    expect(summary.levels).toEqual([{ level: 8, epochs: 0, accuracy: 0, outcome: "NothingToLearn" }])
    expect(memory.events).toEqual([{ _tag: "NothingToLearn", level: 8, unlearnable: 50, accuracy: 0 }])
    expect(lines[0]).toBe("[Level 8] The brain cannot learn from any of the 50 training examples (no input or output for them): no epochs, validation accuracy=0.0000")
    const after = model.module.stateDict()
    for (const key of Object.keys(before)) expect(Array.from(after[key]!)).toEqual(Array.from(before[key]!))
  })

  it("starts from the configured level with a fresh position", () => {
    expect(initialPosition({ ...settings, startLevel: 2 }).level).toBe(2)
  })
})
