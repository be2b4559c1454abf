/**
 * `validate --model` on a directory of group files (data/probes/): a row per file and
 * level, named by the file; on a split layout, rows per level as before, and per family
 * where lines name one.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as nodePath from "node:path"
import { ArithmeticBrainLive, make as makeBrain } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { checkpointOf } from "../../src/layers/storage/checkpoint.js"
import { storageLayers } from "../../src/layers/storage/index.js"
import { formatScores, validateModel } from "../../src/layers/trainer/validateModel.js"
import { Storage } from "../../src/services/Storage.js"
import { datasetText } from "../storage/fixtures.js"

describe("validate --model", () => {
  it.effect("grades a directory of group files file by file, each row named by its file", () =>
    Effect.gen(function* () {
      const storage = yield* Storage
      const model = yield* makeBrain({ seed: 1 })
      yield* storage.writeCheckpoint("ckpt.bin", checkpointOf({ model, level: 1, epoch: 1, config: {}, rng: {}, metrics: {} }))
      yield* storage.writeFile("probes/renamed.jsonl", datasetText("renamed", 1, 3))
      yield* storage.writeFile("probes/higher.jsonl", datasetText("higher", 2, 2) + datasetText("higher-l1", 1, 1))
      const scores = yield* validateModel("ckpt.bin", "probes")
      assert.deepStrictEqual(scores.map((s) => [s.group, s.level, s.count]), [["higher", 1, 1], ["higher", 2, 2], ["renamed", 1, 3]])
      const table = formatScores(scores).split("\n")
      assert.match(table[0] as string, /^group\s+level\s+accuracy/)
      assert.match(table[1] as string, /^higher\s+1\s/)
      assert.match(table[3] as string, /^renamed\s+1\s/)
      // a split layout has no group column
      yield* storage.writeFile(nodePath.resolve("generated", "test", "level_1.jsonl"), datasetText("t", 1, 2))
      const plain = yield* validateModel("ckpt.bin", nodePath.resolve("generated", "test"))
      assert.deepStrictEqual(plain.map((s) => [s.group, s.level, s.count]), [[undefined, 1, 2]])
      assert.match(formatScores(plain).split("\n")[0] as string, /^level\s+accuracy/)
      // a plugin level's lines that name their family: a row per family
      yield* storage.writeFile(nodePath.resolve("plugin", "test", "level_8.jsonl"), datasetText("p", 8, 5, (i) => ({ family: i % 2 === 0 ? "derive_tan" : "integrate_by_parts" })))
      const families = yield* validateModel("ckpt.bin", nodePath.resolve("plugin", "test"))
      assert.deepStrictEqual(families.map((s) => [s.group, s.level, s.count]), [["derive_tan", 8, 3], ["integrate_by_parts", 8, 2]])
    }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.memory))))
})
