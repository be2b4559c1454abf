/** `validate --model … --show-wrong N`: the table, then the first N lines answered wrong or not at all. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { ArithmeticBrainLive } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { checkpointOf } from "../../src/layers/storage/checkpoint.js"
import { storageLayers } from "../../src/layers/storage/index.js"
import { Brain } from "../../src/services/Brain.js"
import { Storage } from "../../src/services/Storage.js"
import { runCli } from "./harness.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-show-wrong-"))
const data = path.join(dir, "lines.jsonl")
const lines = [
  { input: "(+ 16 9)", expr: { BinOp: { op: "Add", left: { Value: { Integer: 16 } }, right: { Value: { Integer: 9 } } } }, result: 25 },
  { input: "(- 40 2)", expr: { BinOp: { op: "Sub", left: { Value: { Integer: 40 } }, right: { Value: { Integer: 2 } } } }, result: 38 },
  { input: "(+ 1 7)", expr: { BinOp: { op: "Add", left: { Value: { Integer: 1 } }, right: { Value: { Integer: 7 } } } }, result: 8 }
]
fs.writeFileSync(
  data,
  lines.map((l, i) =>
    JSON.stringify({ id: `L1-${i}`, level: 1, input_polish: l.input, input_expr: l.expr, expected_result: l.result, expected_symbolic: null, bindings: [], question: `What is ${l.input}?` })
  ).join("\n") + "\n"
)
const untrained = path.join(dir, "untrained.bin")

interface Wrong {
  readonly id: string
  readonly input: string
  readonly question: string | undefined
  readonly answer: string | undefined
  readonly reason?: string
  readonly expected: string
}

describe("validate --model --show-wrong", () => {
  it.effect("lists the first N wrong or unanswered lines after the table, with input, answer and expected", () =>
    Effect.gen(function* () {
      yield* Effect.gen(function* () {
        const model = yield* (yield* Brain).make({ seed: 3 })
        yield* (yield* Storage).writeCheckpoint(untrained, checkpointOf({ model, level: 1, epoch: 0, config: {}, rng: {}, metrics: {} }))
      }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.file)))

      const json = yield* runCli(["validate", "--model", untrained, "--data", data, "--show-wrong", "2", "--json"])
      assert.strictEqual(json.code, 0, json.stderr)
      const report = JSON.parse(json.stdout) as { scores: Array<{ count: number; accuracy: number }>; wrong: Array<Wrong> }
      const wrongCount = Math.round(report.scores[0]!.count * (1 - report.scores[0]!.accuracy))
      assert.strictEqual(report.wrong.length, Math.min(2, wrongCount))
      assert.isAtLeast(report.wrong.length, 1) // an untrained brain gets these wrong
      for (const w of report.wrong) {
        const i = Number(w.id.slice(3))
        assert.strictEqual(w.input, lines[i]!.input)
        assert.strictEqual(w.expected, String(lines[i]!.result))
        assert.strictEqual(w.question, `What is ${lines[i]!.input}?`)
      }

      const text = yield* runCli(["validate", "--model", untrained, "--data", data, "--show-wrong", "2"])
      assert.strictEqual(text.code, 0, text.stderr)
      assert.match(text.stdout, /^(group +)?level {3}accuracy/)
      for (const w of report.wrong) {
        assert.include(text.stdout, `  input:    ${w.input}\n`)
        assert.include(text.stdout, `  brain:    ${w.answer ?? `— (no answer${w.reason === undefined ? "" : `: ${w.reason}`})`}\n`)
        assert.include(text.stdout, `  expected: ${w.expected}`)
      }
      const plain = yield* runCli(["validate", "--model", untrained, "--data", data])
      assert.notInclude(plain.stdout, "input:")
      const bad = yield* runCli(["validate", "--model", untrained, "--data", data, "--show-wrong", "-1"])
      assert.strictEqual(bad.code, 2)
    }), 120_000)
})
