/**
 * Determinism (SPEC §4, §8): same seed ⇒ same bytes; --threads 1 = --threads 2;
 * the union of the shards is the single run; exact counts, exact 80/10/10, disjoint
 * splits, no duplicate inputs.
 */
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as path from "node:path"
import { int } from "../../src/domain/Expr.js"
import { layerWith } from "../../src/layers/CurriculumLive.js"
import { splitOf } from "../../src/layers/generator/split.js"
import type { CurriculumLevel } from "../../src/services/CurriculumLevel.js"
import { Generator } from "../../src/services/Generator.js"
import { generate, generatorLayer, lines, readTree, tmpDir } from "./support.js"

const LEVELS = [1, 2, 3, 4, 5, 6, 7]
const SAMPLES = 120

describe("generation is deterministic", () => {
  const single = tmpDir()
  const options = { levels: LEVELS, samples: SAMPLES, output: single, seed: 1234 }

  it.effect("writes exactly the samples per level, split 80/10/10 by input_polish, without duplicates", () =>
    Effect.gen(function* () {
      const summary = yield* generate(1, options)
      const files = readTree(single)
      assert.deepStrictEqual(Object.keys(files).filter((f) => f.endsWith(".jsonl")).length, 3 * LEVELS.length)
      for (const l of LEVELS) {
        const s = summary.levels.find((x) => x.level === l)!
        assert.strictEqual(s.written, SAMPLES)
        assert.deepStrictEqual(s.splits, { train: 96, val: 12, test: 12 })
        const seen = new Set<string>()
        for (const split of ["train", "val", "test"] as const) {
          const ls = lines(files[path.join(split, `level_${l}.jsonl`)] ?? "")
          assert.strictEqual(ls.length, s.splits[split])
          for (const line of ls) {
            const ex = JSON.parse(line) as { input_polish: string; level: number; id: string }
            assert.strictEqual(ex.level, l)
            assert.strictEqual(splitOf(ex.input_polish), split)
            assert.isFalse(seen.has(ex.input_polish), `duplicate ${ex.input_polish}`)
            seen.add(ex.input_polish)
          }
        }
      }
      assert.isFalse(Object.keys(files).some((f) => f.endsWith(".tmp")))
    })
  )

  it.effect("same seed ⇒ byte-identical files; another seed ⇒ other files", () =>
    Effect.gen(function* () {
      const again = tmpDir()
      yield* generate(1, { ...options, output: again })
      assert.deepStrictEqual(readTree(again), readTree(single))
      const other = tmpDir()
      yield* generate(1, { ...options, output: other, seed: 99 })
      assert.notDeepEqual(readTree(other), readTree(single))
    })
  )

  it.effect("--threads 2 writes the same bytes as --threads 1", () =>
    Effect.gen(function* () {
      const threaded = tmpDir()
      const summary = yield* generate(2, { ...options, output: threaded })
      assert.strictEqual(summary.threads, 2)
      assert.deepStrictEqual(readTree(threaded), readTree(single))
    })
  )

  it.effect("the union of the shards of 3 is the single run (and the shards are disjoint)", () =>
    Effect.gen(function* () {
      const sharded = tmpDir()
      for (let i = 0; i < 3; i++) yield* generate(1, { ...options, output: sharded, shard: { index: i, count: 3 } })
      const shards = readTree(sharded)
      const whole = readTree(single)
      for (const l of LEVELS)
        for (const split of ["train", "val", "test"]) {
          const parts = [0, 1, 2].map((i) => lines(shards[path.join(split, `level_${l}.shard-${i}-of-3.jsonl`)] ?? ""))
          // Lines sort by their id as plain text (what `LC_ALL=C sort -m` does).
          const union = parts.flat().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          assert.strictEqual(new Set(union).size, union.length)
          assert.deepStrictEqual(union, lines(whole[path.join(split, `level_${l}.jsonl`)] ?? ""))
        }
    })
  )

  it.effect("a level whose input space is too small stops with a clear error", () =>
    Effect.gen(function* () {
      const tiny: CurriculumLevel = {
        level: 9, name: "tiny", skill: "one of 40 integers", samples: 50, output: "number",
        maxCandidates: 20_000,
        generate: (rng) => ({ input: int(rng.int(1, 40)) })
      }
      const e = yield* Effect.flip(generate(1, { levels: [9], output: tmpDir(), seed: 1 }, layerWith(tiny)))
      assert.isTrue(e._tag === "GeneratorError" && e.reason === "Exhausted")
      assert.match(e.message, /^level 9: only \d+ of 50 distinct verified inputs after 20000 candidates .* its input space is too small/)
    })
  )

  it.effect("Generator.examples streams the same lines as the files, in order", () =>
    Effect.gen(function* () {
      const out = tmpDir()
      yield* generate(1, { levels: [2], samples: 40, output: out, seed: 77 })
      const streamed = yield* Effect.flatMap(Generator, (g) => Stream.runCollect(g.examples(2, { samples: 40, seed: 77 }))).pipe(
        Effect.provide(generatorLayer(1)),
        Effect.scoped
      )
      const files = readTree(out)
      for (const split of ["train", "val", "test"] as const)
        assert.deepStrictEqual(
          Chunk.toReadonlyArray(streamed).filter((e) => e.split === split).map((e) => e.line),
          lines(files[path.join(split, "level_2.jsonl")] ?? "")
        )
    })
  )
})
