/**
 * `grapheme import deepmind` on hand-written files in the dataset's format (test/fixtures/deepmind,
 * written from the templates of its modules), then the written files through
 * `validate --input` and `validate --model`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { ArithmeticBrainLive } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { checkpointOf } from "../../src/layers/storage/checkpoint.js"
import { storageLayers } from "../../src/layers/storage/index.js"
import { Brain } from "../../src/services/Brain.js"
import { Storage } from "../../src/services/Storage.js"
import { runCli } from "./harness.js"

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/deepmind/interpolate")
const out = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-import-"))

/** The fixture's question/answer pairs. */
const pairs = (module: string): Array<{ line: number; question: string; answer: string }> => {
  const lines = fs.readFileSync(path.join(fixtures, `${module}.txt`), "utf8").split("\n")
  const out: Array<{ line: number; question: string; answer: string }> = []
  for (let i = 0; i + 1 < lines.length; i += 2) out.push({ line: i + 1, question: lines[i]!, answer: lines[i + 1]! })
  return out
}
const written = (module: string, level: number): Array<Record<string, unknown>> =>
  fs.readFileSync(path.join(out, module, `level_${level}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)

describe("grapheme import deepmind", () => {
  it.effect("converts the taught modules, verifies every line, and says why the others were not converted", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["import", "deepmind", fixtures, "--output", out])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stdout, "algebra__linear_1d: 4 of 4 questions converted")
      assert.include(r.stdout, "calculus__differentiate: 7 of 7 questions converted")
      assert.include(r.stdout, "polynomials__evaluate: 4 of 4 questions converted")
      assert.include(r.stdout, "arithmetic__add_or_sub: 9 of 11 questions converted")
      // "What is -3 less than 5?" is 5 − (−3), the input of line 5's "What is 5 take away -3?"
      assert.include(r.stdout, "not converted, 1: the same input as an earlier question — e.g. line 7: What is -3 less than 5? ((- 5 -3))")
      // The last pair of the file has a wrong answer on purpose: 2 + 2 is not 5.
      assert.include(r.stdout, "not converted, 1: the Engine's check fails (wrong) — e.g. line 21: Sum 2 and 2. (expected_result: is 5, the Engine gives 4)")
      assert.include(r.stdout, "skipped 2 files of modules the curriculum does not teach: arithmetic__add_or_sub_in_base.txt, numbers__gcd.txt")

      // Lines carry the module, the original question and answer; ids point back to the file's line.
      const linear = written("algebra__linear_1d", 7)
      assert.deepStrictEqual(linear.map((l) => l.question), pairs("algebra__linear_1d").map((p) => p.question))
      assert.deepStrictEqual(linear.map((l) => l.expected_result), pairs("algebra__linear_1d").map((p) => Number(p.answer)))
      assert.deepStrictEqual(linear.map((l) => l.id), pairs("algebra__linear_1d").map((p) => `algebra__linear_1d:${p.line}`))
      assert.strictEqual(linear[0]!.input_polish, "(solve (= (- (* -8 x) 48) (* -16 x)) x)")
      assert.deepStrictEqual([linear[0]!.module, linear[0]!.source], ["algebra__linear_1d", "deepmind/mathematics_dataset"])
      const derivatives = written("calculus__differentiate", 5)
      assert.deepStrictEqual(derivatives.map((l) => l.answer), pairs("calculus__differentiate").map((p) => p.answer))
      assert.isTrue(derivatives.every((l) => l.expected_result === null && l.expected_symbolic !== null))
      assert.strictEqual(written("arithmetic__div", 2).find((l) => l.question === "Calculate -4 divided by 3.")?.expected_polish, "-4/3")
      const evaluate = written("polynomials__evaluate", 3)
      assert.deepStrictEqual(evaluate[0]!.bindings, [["x", -7]])
      // Level 1 is a + or − of two numbers; everything else arithmetic is level 2.
      assert.isTrue(fs.existsSync(path.join(out, "arithmetic__add_or_sub", "level_1.jsonl")))
      assert.isFalse(fs.existsSync(path.join(out, "arithmetic__add_or_sub", "level_2.jsonl")))
      assert.isTrue(fs.existsSync(path.join(out, "arithmetic__mul", "level_2.jsonl")))
    }), 60_000)

  it.effect("what it writes passes validate --input and is read by validate --model", () =>
    Effect.gen(function* () {
      const checked = yield* runCli(["validate", "--input", out, "--threads", "1"])
      assert.strictEqual(checked.code, 0, checked.stdout + checked.stderr)
      assert.include(checked.stdout, "40 lines in 8 files checked")

      const checkpoint = path.join(out, "untrained.bin")
      yield* Effect.gen(function* () {
        const model = yield* (yield* Brain).make({ seed: 2 })
        yield* (yield* Storage).writeCheckpoint(checkpoint, checkpointOf({ model, level: 1, epoch: 0, config: {}, rng: {}, metrics: {} }))
      }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.file)))
      for (const [module, level, count] of [
        ["calculus__differentiate", 5, 7], ["algebra__linear_1d", 7, 4], ["polynomials__evaluate", 3, 4], ["arithmetic__mixed", 2, 4]
      ] as const) {
        const graded = yield* runCli(["validate", "--model", checkpoint, "--data", path.join(out, module, `level_${level}.jsonl`), "--json"])
        assert.strictEqual(graded.code, 0, graded.stderr)
        assert.deepInclude((JSON.parse(graded.stdout) as Array<Record<string, number>>)[0], { level, count })
      }
    }), 120_000)

  it.effect("a folder without the dataset's files is one clear error", () =>
    Effect.gen(function* () {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-import-empty-"))
      const r = yield* runCli(["import", "deepmind", empty, "--output", out])
      assert.strictEqual(r.code, 1)
      assert.match(r.stderr, /^grapheme: .*no \.txt file of a module the curriculum teaches/)
      assert.strictEqual(r.stderr.trim().split("\n").length, 1)
    }))
})
