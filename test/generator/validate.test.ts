/**
 * `validate --input`: re-verification, the schema (file:line and the field), level
 * specifications, duplicates and leakage; the original's dataset; the hard cases.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { buildLines } from "../../data/edge_cases/build.js"
import { buildGroup, DIR as probeDir, groups as probeGroups, UNTAUGHT_DIR as untaughtDir, untaughtGroups } from "../../data/probes/build.js"
import { CurriculumLive } from "../../src/layers/CurriculumLive.js"
import { layer } from "../../src/layers/generator/GeneratorLive.js"
import { Generator } from "../../src/services/Generator.js"
import { generate, lines, tmpDir } from "./support.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")

const validate = (input: string) =>
  Effect.flatMap(Generator, (g) => g.validate({ input })).pipe(
    Effect.provide(layer(1).pipe(Layer.provide(Layer.merge(CurriculumLive, NodeFileSystem.layer)))),
    Effect.scoped
  )

describe("validate --input", () => {
  const dir = tmpDir()

  it.effect("a generated dataset: every line re-verified, 0 problems", () =>
    Effect.gen(function* () {
      yield* generate(1, { levels: [1, 3, 5, 6, 7], samples: 60, output: dir, seed: 3 })
      const r = yield* validate(dir)
      assert.strictEqual(r.lines, 300)
      assert.strictEqual(r.problemCount, 0, JSON.stringify(r.problems.slice(0, 3)))
      assert.deepStrictEqual(r.levels.map((l) => [l.level, l.ok, l.splits.train, l.splits.val, l.splits.test]), [
        [1, 60, 48, 6, 6], [3, 60, 48, 6, 6], [5, 60, 48, 6, 6], [6, 60, 48, 6, 6], [7, 60, 48, 6, 6]
      ])
    })
  )

  it.effect("a malformed line is reported with file:line and the field", () =>
    Effect.gen(function* () {
      const good = lines(fs.readFileSync(path.join(dir, "train/level_3.jsonl"), "utf8"))
      const ex = JSON.parse(good[0] as string) as Record<string, unknown>
      const file = path.join(tmpDir(), "broken.jsonl")
      const { expected_result: _, ...noResult } = ex
      fs.writeFileSync(
        file,
        [
          good[0],
          "{not json",
          JSON.stringify(noResult),
          JSON.stringify({ ...ex, input_expr: { BinOp: { op: "Plus" } } }),
          JSON.stringify({ ...ex, expected_result: (ex.expected_result as number) + 1 }),
          JSON.stringify({ ...ex, bindings: [] }),
          JSON.stringify({ ...ex, input_polish: "(+ 1" }),
          JSON.stringify({ ...ex, level: "three" })
        ].join("\n") + "\n"
      )
      const r = yield* validate(file)
      const at = (line: number) => r.problems.find((p) => p.line === line)
      assert.strictEqual(r.lines, 8)
      assert.strictEqual(at(1), undefined)
      assert.include(at(2)?.message, "invalid JSON")
      assert.strictEqual(at(2)?.file, file)
      assert.strictEqual(at(3)?.field, "expected_result")
      assert.include(at(3)?.message, "missing")
      assert.isTrue(at(4)?.field?.startsWith("input_expr"))
      assert.strictEqual(at(5)?.kind, "wrong")
      assert.strictEqual(at(5)?.field, "expected_result")
      assert.strictEqual(at(6)?.field, "bindings")
      assert.strictEqual(at(7)?.field, "input_polish")
      assert.include(at(7)?.message, "position")
      assert.strictEqual(at(8)?.field, "level")
      // Lines 5 and 6 also repeat line 1's input: duplicates count on their own.
      assert.strictEqual(r.levels.find((l) => l.level === 3)?.duplicates, 2)
      assert.strictEqual(r.problemCount, 9)
    })
  )

  it.effect("duplicates within a split and inputs leaked across splits", () =>
    Effect.gen(function* () {
      const d = tmpDir()
      fs.mkdirSync(path.join(d, "train"))
      fs.mkdirSync(path.join(d, "test"))
      const train = lines(fs.readFileSync(path.join(dir, "train/level_1.jsonl"), "utf8"))
      fs.writeFileSync(path.join(d, "train/level_1.jsonl"), [...train, train[1]].join("\n") + "\n")
      fs.writeFileSync(path.join(d, "test/level_1.jsonl"), [train[2]].join("\n") + "\n")
      const r = yield* validate(d)
      const l1 = r.levels[0]!
      assert.strictEqual(l1.duplicates, 1)
      assert.strictEqual(l1.leaked, 1)
      assert.strictEqual(r.problemCount, 2)
      const leak = r.problems.find((p) => p.kind === "leaked")!
      assert.match(leak.message, /is also in (train|test)/)
    })
  )

  it.effect("the original implementation's dataset: its operators are off-spec and its inputs repeat", () =>
    Effect.gen(function* () {
      const r = yield* validate(path.resolve(root, "test/fixtures/original_level_1.jsonl"))
      const l1 = r.levels[0]!
      assert.strictEqual(r.lines, 100)
      assert.strictEqual(l1.schema, 0)
      assert.strictEqual(l1.wrong, 0)
      assert.isAbove(l1.offspec, 30)
      assert.isAbove(l1.duplicates, 10)
      assert.include(r.problems.find((p) => p.kind === "offspec")?.message, "operator * is not in {+ -}")
    })
  )

  it("data/probes/ and data/untaught/ are what their builder writes (every line answered and verified by the Engine)", () => {
    for (const [dir, list] of [[probeDir, probeGroups], [untaughtDir, untaughtGroups]] as const)
      for (const g of list) assert.strictEqual(fs.readFileSync(path.join(dir, `${g.name}.jsonl`), "utf8"), `${buildGroup(g).join("\n")}\n`, g.name)
  }, 120_000)

  it.effect("data/edge_cases/test_hard.jsonl is up to date and verifies", () =>
    Effect.gen(function* () {
      const file = path.join(root, "data/edge_cases/test_hard.jsonl")
      assert.strictEqual(fs.readFileSync(file, "utf8"), `${buildLines().join("\n")}\n`)
      const r = yield* validate(file)
      assert.strictEqual(r.problemCount, 0, JSON.stringify(r.problems.slice(0, 3)))
      assert.deepStrictEqual(r.levels.map((l) => l.level), [1, 2, 3, 4, 5, 6, 7])
    })
  )
})
