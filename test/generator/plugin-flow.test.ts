/**
 * A plugin registered from train_config.toml shows up in generate and validate
 * (through the CLI handlers, on worker threads).
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { generateHandler } from "../../src/cli/generate.js"
import { validateDataHandler } from "../../src/cli/validate-data.js"
import { lines, tmpDir } from "./support.js"

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples/custom-level.ts")

describe("a plugin from train_config.toml", () => {
  it.effect("level 8 of examples/custom-level.ts flows through generate and validate like a built-in", () =>
    Effect.gen(function* () {
      const dir = tmpDir()
      const config = path.join(dir, "train_config.toml")
      fs.writeFileSync(config, `[curriculum]\nplugins = [${JSON.stringify(path.relative(dir, example))}]\n`)
      const out = path.join(dir, "data")
      const summary = yield* generateHandler({
        allLevels: false,
        level: Option.some(8),
        samples: Option.some(80),
        output: out,
        seed: 5,
        threads: 2,
        shard: Option.none(),
        format: "jsonl",
        config: Option.some(config)
      })
      assert.strictEqual(summary.levels[0]?.written, 80)
      assert.strictEqual(summary.threads, 2)
      const first = JSON.parse(lines(fs.readFileSync(path.join(out, "train/level_8.jsonl"), "utf8"))[0] as string)
      assert.strictEqual(first.level, 8)
      assert.match(first.input_polish, /^\(solve \(= /)
      assert.strictEqual(first.solutions.length, 2)
      const report = yield* validateDataHandler({ input: Option.some(out), threads: 2, config: Option.some(config) })
      assert.strictEqual(report.problemCount, 0)
      assert.strictEqual(report.levels[0]?.name, "quadratic equations")
      // Without the plugin, level 8 is unknown: its lines are still checked generically (solutions by substitution).
      const bare = yield* validateDataHandler({ input: Option.some(out), threads: 1, config: Option.none() })
      assert.strictEqual(bare.levels[0]?.name, undefined)
      assert.strictEqual(bare.problemCount, 0)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})
