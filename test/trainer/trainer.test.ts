/**
 * The Trainer service with a research script's own Brain layer (./TinyBrain.ts): it
 * trains data-parallel through that same layer on the worker threads (2 threads give
 * the weights of 1, bit for bit), a layer that does not say where workers can load it
 * trains the same shards on one thread and says so, and the level range is checked
 * against the curriculum.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { decodeConfig, type TrainConfig } from "../../src/domain/Config.js"
import type { TrainingEvent } from "../../src/domain/TrainingEvent.js"
import { CurriculumLive } from "../../src/layers/CurriculumLive.js"
import { GedLoss } from "../../src/layers/loss/index.js"
import { Sgd } from "../../src/layers/optimizers/index.js"
import { InMemoryStorage } from "../../src/layers/storage/index.js"
import { workerSteps } from "../../src/layers/trainer/parallel/workerSteps.js"
import { Trainer } from "../../src/layers/trainer/Trainer.js"
import type { Brain } from "../../src/services/Brain.js"
import { Storage } from "../../src/services/Storage.js"
import { make as makeTiny, TINY_KIND, TinyBrainHere, TinyBrainLive } from "./TinyBrain.js"

const lines = fs.readFileSync(path.join(import.meta.dirname, "../fixtures/original_level_1.jsonl"), "utf8").trim().split("\n")
const files = {
  "data/train/level_1.jsonl": lines.slice(0, 80).join("\n"),
  "data/val/level_1.jsonl": lines.slice(80).join("\n"),
  "data/test/level_1.jsonl": lines.slice(80).join("\n")
}

const configWith = (threads: number, endLevel = 1): TrainConfig =>
  Either.getOrThrow(
    decodeConfig(
      {
        training: { batch_size: 8, epochs_per_level: 2, learning_rate: 0.05, seed: 3 },
        optimizer: { type: "sgd" },
        curriculum: { end_level: endLevel, min_epochs_per_level: 1 },
        paths: { train_data: "data", output_dir: "ck", storage: "memory" },
        hardware: { num_threads: threads, parallel_batches: true, batch_shards: 2 }
      },
      "test"
    )
  )

/** Trains with the tiny brain layer; the events, the result and the final checkpoint's parameters. */
const train = (brain: Layer.Layer<Brain>, config: TrainConfig) =>
  Effect.gen(function* () {
    const events: Array<TrainingEvent> = []
    const result = yield* Trainer.train(config, { onEvent: (e) => void events.push(e) })
    const final = yield* (yield* Storage).readCheckpoint("ck/final.bin")
    return { events, result, parameters: final.parameters, kind: final.model.kind }
  }).pipe(
    Effect.provide(Trainer.DefaultWithoutDependencies.pipe(Layer.provideMerge(Layer.mergeAll(brain, Sgd.layer, GedLoss, InMemoryStorage.layerWith(files), CurriculumLive))))
  )

/** What training computed: every event but the timings and the thread set-up. */
const results = (events: ReadonlyArray<TrainingEvent>): Array<TrainingEvent> =>
  events.flatMap((e): Array<TrainingEvent> => (e._tag === "EpochCompleted" ? [{ ...e, seconds: 0, rssBytes: 0 }] : e._tag === "BatchLogged" ? [e] : []))

const values = (parameters: Readonly<Record<string, Float64Array>>) => Object.values(parameters).flatMap((p) => Array.from(p))

describe("Trainer", () => {
  it.effect("trains a research script's own Brain layer data-parallel: 2 threads (a worker built by that layer) = 1 thread, bit for bit", () =>
    Effect.gen(function* () {
      const one = yield* train(TinyBrainLive, configWith(1))
      const two = yield* train(TinyBrainLive, configWith(2))
      assert.deepStrictEqual(
        two.events.filter((e) => e._tag === "DataParallel"),
        [{ _tag: "DataParallel", shards: 2, threads: 2 }]
      )
      assert.isFalse(one.events.some((e) => e._tag === "DataParallel"))
      assert.strictEqual(two.kind, TINY_KIND)
      const losses = one.events.flatMap((e) => (e._tag === "EpochCompleted" ? [e.loss] : []))
      assert.strictEqual(losses.length, 2)
      // It learned: the second epoch's mean loss is below the first's.
      assert.isBelow(losses[1]!, losses[0]!)
      assert.deepStrictEqual(results(two.events), results(one.events))
      assert.deepStrictEqual(values(two.parameters), values(one.parameters))
    }), 120_000)

  it.effect("a Brain layer that does not say where workers can load it trains the same shards on this thread, and says why", () =>
    Effect.gen(function* () {
      const one = yield* train(TinyBrainLive, configWith(1))
      const here = yield* train(TinyBrainHere, configWith(2))
      const unavailable = here.events.find((e) => e._tag === "DataParallelUnavailable")
      assert.match(unavailable?._tag === "DataParallelUnavailable" ? unavailable.reason : "", /does not say where worker threads can load it/)
      assert.deepStrictEqual(results(here.events), results(one.events))
    }), 120_000)

  it.effect("a source naming an export that is not a layer: the worker fails to start and says which", () =>
    Effect.gen(function* () {
      const model = yield* makeTiny({ seed: 1 })
      const source = { module: new URL("./TinyBrain.ts", import.meta.url).href, export: "make" }
      const exit = yield* Effect.exit(workerSteps(model, source, { threads: 2, shards: 2, maxBatch: 8, seed: 1 }))
      assert.isTrue(Exit.isFailure(exit))
      assert.match(String(Exit.isFailure(exit) ? exit.cause : ""), /TinyBrain\.ts exports no layer named "make"/)
    }).pipe(Effect.scoped), 120_000)

  it.effect("refuses a level range the curriculum does not have, naming the first missing level", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(train(TinyBrainLive, configWith(1, 9)))
      assert.strictEqual(error._tag, "TrainerError")
      assert.match(error.message, /^no curriculum level 8 \(known: 1, 2, 3/)
    }))
})
