/**
 * One reader of train_config.toml: every command that reads the file reports a bad key
 * with the same one-line message (the Schema's, src/domain/Config.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCli } from "./harness.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-config-errors-"))

const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
  ["plugins.toml", `[curriculum]\nplugins = "./my-level.ts"\n`, /plugins\.toml: \[curriculum\] plugins: expected an array of module paths/],
  ["curriculum.toml", `curriculum = 3\n`, /curriculum\.toml: \[curriculum\]: expected a table/],
  ["batchsize.toml", `[training]\nbatchsize = 64\n`, /batchsize\.toml: \[training\] batchsize: unknown key \(did you mean batch_size\?/],
  ["syntax.toml", `[curriculum\n`, /syntax\.toml:1:\d+: invalid TOML/]
]

describe("train_config.toml errors", () => {
  for (const [name, text, expected] of cases) {
    it.effect(`generate and train say the same about ${name}`, () =>
      Effect.gen(function* () {
        const file = path.join(dir, name)
        fs.writeFileSync(file, text)
        const out = path.join(dir, `out-${name}`)
        const generate = yield* runCli(["generate", "--level", "1", "--samples", "10", "--output", out, "--config", file])
        const train = yield* runCli(["train", "--config", file])
        assert.match(generate.stderr, expected)
        assert.strictEqual(generate.stderr.trim().split("\n").length, 1)
        assert.strictEqual(generate.stderr, train.stderr)
        assert.strictEqual(generate.code, 1)
        assert.strictEqual(train.code, 1)
        assert.isFalse(fs.existsSync(out))
      }))
  }
})
