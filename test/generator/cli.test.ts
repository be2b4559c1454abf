/** The generate and validate commands: flags, usage errors, exit on problems. */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { GenerateArgs } from "../../src/cli/generate.js"
import { generateCommand, generateHandler } from "../../src/cli/generate.js"
import { validateCommand } from "../../src/cli/validate-data.js"
import { tmpDir } from "./support.js"

const args = (over: Partial<GenerateArgs>): GenerateArgs => ({
  allLevels: false,
  level: Option.some(1),
  samples: Option.some(20),
  output: tmpDir(),
  seed: 1,
  threads: 1,
  shard: Option.none(),
  format: "jsonl",
  config: Option.none(),
  ...over
})

const cli = Command.run(Command.make("grapheme").pipe(Command.withSubcommands([generateCommand, validateCommand])), {
  name: "grapheme",
  version: "test"
})

describe("grapheme generate / validate", () => {
  it.effect("usage errors are one clear message", () =>
    Effect.gen(function* () {
      const message = (a: GenerateArgs) => Effect.map(Effect.flip(generateHandler(a)), (e) => e.message)
      assert.strictEqual(yield* message(args({ level: Option.none() })), "give exactly one of --all-levels or --level N")
      assert.strictEqual(yield* message(args({ allLevels: true })), "give exactly one of --all-levels or --level N")
      assert.strictEqual(yield* message(args({ samples: Option.some(0) })), "--samples must be a positive integer, got 0")
      assert.strictEqual(yield* message(args({ shard: Option.some("3/3") })), "--shard: i is 0-based and must be below N (got 3/3)")
      assert.strictEqual(yield* message(args({ level: Option.some(12) })), "no curriculum level 12 (known: 1, 2, 3, 4, 5, 6, 7)")
    }).pipe(Effect.provide(NodeContext.layer))
  )

  it.effect("the commands run from argv: generate, then validate (exit ≠ 0 on a problem)", () =>
    Effect.gen(function* () {
      const out = tmpDir()
      yield* cli(["node", "grapheme", "generate", "--level", "2", "--samples", "30", "--output", out, "--threads", "1", "--seed", "9"])
      assert.isTrue(fs.existsSync(path.join(out, "val/level_2.jsonl")))
      yield* cli(["node", "grapheme", "validate", "--input", out, "--threads", "1"])
      fs.appendFileSync(path.join(out, "test/level_2.jsonl"), "{}\n")
      const failed = yield* Effect.flip(cli(["node", "grapheme", "validate", "--input", out, "--threads", "1"]))
      assert.include((failed as { message: string }).message, "1 problem in 31 lines")
    }).pipe(Effect.provide(NodeContext.layer))
  )
})
