import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { defaultGedCosts } from "../../src/domain/ged/index.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { runCurriculum, type LevelSplits, type TrainerIo, type TrainerSettings } from "../../src/layers/trainer/curriculum.js"
import type { LabelledExample } from "../../src/layers/trainer/examples.js"
import { plainSteps, shardedSteps } from "../../src/layers/trainer/parallel/StepRunner.js"
import { print } from "../../src/domain/Polish.js"
import { pack, unpack } from "../../src/layers/trainer/parallel/packed.js"
import { combineShards, layoutOf, shardPositions } from "../../src/layers/trainer/parallel/shards.js"
import { forWorkers, workerSteps } from "../../src/layers/trainer/parallel/workerSteps.js"
import { builtinLevels } from "../../src/plugins/index.js"
import type { BrainModel } from "../../src/services/Brain.js"
import { Parameter } from "../../src/tensor/index.js"
import { brain, drawLevel, optimizerFor } from "../brain/support.js"

const settings: TrainerSettings = {
  batchSize: 32,
  epochsPerLevel: 2,
  learningRate: 0.01,
  minLearningRate: 1e-5,
  patience: 5,
  checkpointEvery: 1,
  startLevel: 1,
  endLevel: 2,
  advanceThreshold: 1.01,
  minEpochsPerLevel: 1,
  seed: 11,
  replayFraction: 0.25,
  polishIterations: 5,
  polishSample: 100,
  logEvery: 10,
  validationLimit: 50,
  replayLimit: Number.POSITIVE_INFINITY,
  costs: defaultGedCosts
}

const data = new Map<number, LevelSplits>(
  [1, 2].map((level) => {
    const all = drawLevel(builtinLevels[level - 1]!, 450, 5).map(
      (e, i): LabelledExample => ({ ...e, id: `L${level}-${i}`, level, subtreeValues: subtreeValues(e.input.expr, e.input.bindings) })
    )
    return [level, { train: all.slice(0, 400), val: all.slice(400) }] as const
  })
)

const io: TrainerIo = {
  load: (level) => Effect.succeed(data.get(level)!),
  log: () => Effect.void,
  metrics: () => Effect.void,
  checkpoint: () => Effect.void,
  progress: () => {},
  interrupted: () => false
}

const weights = (model: BrainModel) => model.module.parameters().flatMap((p) => Array.from(p.data))

describe("shards", () => {
  it("cut a batch into disjoint, interleaved shards that cover it", () => {
    const all = [0, 1, 2].flatMap((s) => shardPositions(8, 3, s))
    expect(shardPositions(8, 3, 0)).toEqual([0, 3, 6])
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(shardPositions(1, 2, 1)).toEqual([])
  })

  it("combine in shard order, weighted by shard size; a parameter no shard reached keeps a null gradient", () => {
    const a = Parameter.zeros(1, 2)
    const b = Parameter.zeros(1, 1)
    const layout = layoutOf([a, b])
    const loss = combineShards(
      layout,
      [
        { loss: 2, gradient: Float64Array.from([1, 2, 9]), reached: Uint8Array.from([1, 0]) },
        { loss: 4, gradient: Float64Array.from([3, 4, 9]), reached: Uint8Array.from([1, 0]) }
      ],
      [3, 1],
      4
    )
    expect(loss).toBe(0.75 * 2 + 0.25 * 4)
    expect(Array.from(a.grad!)).toEqual([0.75 * 1 + 0.25 * 3, 0.75 * 2 + 0.25 * 4])
    expect(b.grad).toBeNull()
  })
})

describe("what the workers are sent", () => {
  it("only examples the objective reads; the rest are stubs in their places, which the objective does not read either", () => {
    const model = brain(1)
    const derivatives = drawLevel(builtinLevels[4]!, 5, 3)
    const sums = drawLevel(builtinLevels[0]!, 5, 3)
    const mixed = [...sums.slice(0, 2), ...derivatives, ...sums.slice(2)]
    const sent = forWorkers(model, mixed)
    expect(sent.length).toBe(mixed.length)
    sent.forEach((e, i) => {
      if (model.objectiveReads!(mixed[i]!)) expect(e).toBe(mixed[i])
      else {
        expect(print(e.input.expr)).toBe("0")
        expect(model.objectiveReads!(e)).toBe(false)
      }
    })
    expect(sent.filter((e) => print(e.input.expr) === "0").length).toBe(derivatives.filter((e) => e.target._tag === "Expression").length)
    // A model that would read the stub gets every example as it is.
    expect(forWorkers({ ...model, objectiveReads: () => true }, mixed)).toBe(mixed)
  })
})

describe("packed examples (the trip to a worker)", () => {
  it("unpack to equal examples: inputs, bindings, number and expression targets, subtree values, affine targets", () => {
    const examples = [3, 4, 5].flatMap((level) =>
      drawLevel(builtinLevels[level - 1]!, 40, 9).map((e, i) => ({
        input: e.input,
        target: e.target,
        subtreeValues: level === 5 ? undefined : subtreeValues(e.input.expr, e.input.bindings),
        subtreeAffine:
          level === 4 && i % 2 === 0
            ? new Map<string, readonly [number, number]>([
                [print(e.input.expr), [i / 3, -1.5]],
                ["x", [1, 0]]
              ])
            : undefined
      }))
    )
    expect(examples.some((e) => e.input.bindings.length > 0 && e.subtreeValues!.size > 0)).toBe(true)
    expect(examples.some((e) => e.subtreeAffine !== undefined)).toBe(true)
    expect(examples.some((e) => e.target._tag === "Expression")).toBe(true)
    expect(unpack(structuredClone(pack(examples)))).toEqual(examples)
  })
})

describe("data-parallel steps", () => {
  it("one shard is the plain step, bit for bit", () => {
    const plain = brain(3)
    const sharded = brain(3)
    Effect.runSync(runCurriculum(plain, optimizerFor(plain, "adam"), { ...settings, endLevel: 1, epochsPerLevel: 1 }, io, undefined, plainSteps(plain)))
    Effect.runSync(runCurriculum(sharded, optimizerFor(sharded, "adam"), { ...settings, endLevel: 1, epochsPerLevel: 1 }, io, undefined, shardedSteps(sharded, 1)))
    expect(weights(sharded)).toEqual(weights(plain))
  })

  it.effect("--threads 1 and --threads 2 train identical weights (two levels, replay, polish, gate locking)", () =>
    Effect.gen(function* () {
      const one = brain(4)
      const start = weights(one)
      yield* runCurriculum(one, optimizerFor(one, "adam"), settings, io, undefined, shardedSteps(one, 2))
      const two = brain(4)
      const steps = yield* workerSteps(two, { threads: 2, shards: 2, maxBatch: settings.batchSize, seed: 4 })
      yield* runCurriculum(two, optimizerFor(two, "adam"), settings, io, undefined, steps)
      const w1 = weights(one)
      expect(w1.some((v, i) => v !== start[i])).toBe(true)
      expect(weights(two).every((v, i) => Object.is(v, w1[i]))).toBe(true)
      expect(two.state()).toEqual(one.state())
    }).pipe(Effect.scoped),
    120_000
  )

  it("with a replay limit (stream_data), a finished level keeps only that many examples for replay", () => {
    const model = brain(2)
    const sizes: Array<number> = []
    const spy = { ...plainSteps(model), setExamples: (examples: ReadonlyArray<unknown>) => void sizes.push(examples.length) }
    const limited = { ...settings, epochsPerLevel: 1, replayLimit: 60 }
    Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), limited, io, undefined, spy))
    expect(sizes.filter((n) => n > 0)).toEqual([400, 400 + 60])
    const all: Array<number> = []
    const unlimited = { ...plainSteps(model), setExamples: (examples: ReadonlyArray<unknown>) => void all.push(examples.length) }
    Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), { ...limited, replayLimit: Infinity }, io, undefined, unlimited))
    expect(all.filter((n) => n > 0)).toEqual([400, 800])
  })

  it.effect("refuse a brain the workers cannot rebuild", () =>
    Effect.gen(function* () {
      const other = { ...brain(1), kind: "custom" }
      const exit = yield* Effect.exit(workerSteps(other, { threads: 2, shards: 2, maxBatch: 8, seed: 1 }))
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/needs the default brain/)
    }).pipe(Effect.scoped)
  )
})
