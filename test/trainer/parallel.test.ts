import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { defaultGedCosts } from "../../src/domain/ged/index.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { runCurriculum, type LevelSplits, type TrainerIo, type TrainerSettings } from "../../src/layers/trainer/curriculum.js"
import type { LabelledExample } from "../../src/layers/trainer/examples.js"
import { plainSteps, shardedSteps } from "../../src/layers/trainer/parallel/StepRunner.js"
import { print } from "../../src/domain/Polish.js"
import { ConcatList, ExampleTable, examplesAt, type ExampleList } from "../../src/layers/trainer/table.js"
import { combineShards, layoutOf, shardPositions } from "../../src/layers/trainer/parallel/shards.js"
import { workerSteps } from "../../src/layers/trainer/parallel/workerSteps.js"
import { defaultBrainSource } from "../../src/layers/trainer/defaultBrain.js"
import { builtinLevels } from "../../src/plugins/index.js"
import type { BrainExample, BrainModel } from "../../src/services/Brain.js"
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
  emit: () => Effect.void,
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

describe("example tables (training examples stored packed, and the trip to a worker)", () => {
  const examples = [3, 4, 5].flatMap((level) =>
    drawLevel(builtinLevels[level - 1]!, 40, 9).map((e, i): BrainExample => ({
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
  // A leaf: no operator subtree, an empty map (not an absent one).
  examples.push({ input: { expr: { _tag: "Integer", value: 5n }, bindings: [["x", 0.5]] }, target: { _tag: "Number", value: 5 }, subtreeValues: new Map() })
  const tableOf = (list: ReadonlyArray<BrainExample>) => ExampleTable.of(list)
  const all = (list: ExampleList<BrainExample>) => Array.from({ length: list.length }, (_, i) => list.at(i))

  it("give back equal examples: inputs, bindings, number and expression targets, subtree values, affine targets", () => {
    expect(examples.some((e) => e.input.bindings.length > 0 && e.subtreeValues!.size > 0)).toBe(true)
    expect(examples.some((e) => e.subtreeValues !== undefined && e.subtreeValues.size === 0)).toBe(true)
    expect(examples.some((e) => e.subtreeAffine !== undefined)).toBe(true)
    expect(examples.some((e) => e.target._tag === "Expression")).toBe(true)
    const table = tableOf(examples)
    expect(table.length).toBe(examples.length)
    expect(all(table)).toEqual(examples)
    // What a worker is sent: the columns, cloned.
    expect(all(ExampleTable.fromPacked(structuredClone(table.packed())))).toEqual(examples)
    expect(table.at(-1)).toBeUndefined()
    expect(table.at(examples.length)).toBeUndefined()
  })

  it("select rows and concatenate without parsing; a concatenation indexes its parts in order", () => {
    const table = tableOf(examples)
    const picked = [7, 3, 3, 100, 0]
    expect(all(table.select(picked))).toEqual(picked.map((i) => examples[i]))
    const joined = new ConcatList<BrainExample>([table.select([1, 2]), examples.slice(10, 13), table.select([])])
    expect(joined.length).toBe(5)
    expect(all(joined)).toEqual([examples[1], examples[2], ...examples.slice(10, 13)])
    expect(joined.at(5)).toBeUndefined()
    expect(all(ExampleTable.of(joined))).toEqual(all(joined))
    expect(() => examplesAt(joined, [0, 5])).toThrow(/no example 5 in a list of 5/)
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
      const steps = yield* workerSteps(two, defaultBrainSource, { threads: 2, shards: 2, maxBatch: settings.batchSize, seed: 4 })
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
    const spy = { ...plainSteps(model), setExamples: (examples: ExampleList<BrainExample>) => void sizes.push(examples.length) }
    const limited = { ...settings, epochsPerLevel: 1, replayLimit: 60 }
    Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), limited, io, undefined, spy))
    expect(sizes.filter((n) => n > 0)).toEqual([400, 400 + 60])
    const all: Array<number> = []
    const unlimited = { ...plainSteps(model), setExamples: (examples: ExampleList<BrainExample>) => void all.push(examples.length) }
    Effect.runSync(runCurriculum(model, optimizerFor(model, "adam"), { ...limited, replayLimit: Infinity }, io, undefined, unlimited))
    expect(all.filter((n) => n > 0)).toEqual([400, 800])
  })

  it.effect("refuse a brain whose layer does not say where workers can load it", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(workerSteps(brain(1), undefined, { threads: 2, shards: 2, maxBatch: 8, seed: 1 }))
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/does not say where worker threads can load it/)
    }).pipe(Effect.scoped)
  )

  it.effect("a worker whose layer makes another brain than the trainer's fails to start, with both names", () =>
    Effect.gen(function* () {
      const other = { ...brain(1), kind: "custom" }
      const exit = yield* Effect.exit(workerSteps(other, defaultBrainSource, { threads: 2, shards: 2, maxBatch: 8, seed: 1 }))
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/the worker's brain is "arithmetic-cells", the trainer's "custom"/)
    }).pipe(Effect.scoped),
    120_000
  )
})
