import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { quadraticLevel } from "../../examples/custom-level.js"
import { CurriculumLive, layerFromConfig, layerWith } from "../../src/layers/CurriculumLive.js"
import { pluginsFromConfig } from "../../src/layers/config/load.js"
import { level1 } from "../../src/plugins/builtin/index.js"
import { loadPluginModule } from "../../src/plugins/load.js"
import { builtinRegistry, emptyRegistry, register } from "../../src/plugins/registry.js"
import { Curriculum } from "../../src/services/Curriculum.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const tmp = (name: string, text: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-plugins-"))
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

describe("plugin registry", () => {
  it("the built-ins are registered through it, in order", () => {
    assert.deepStrictEqual(builtinRegistry.levels.map((l) => l.level), [1, 2, 3, 4, 5, 6, 7])
    assert.strictEqual(builtinRegistry.get(1), level1)
  })

  it("refuses a taken level number and a malformed level, saying why", () => {
    const dup = register(builtinRegistry, [{ ...quadraticLevel, level: 3 }], "test")
    assert.isTrue(Either.isLeft(dup) && dup.left.reason === "Duplicate" && dup.left.message.includes("level 3"))
    const bad = register(emptyRegistry, [{ ...quadraticLevel, samples: 0 }], "my-level.ts")
    assert.isTrue(Either.isLeft(bad) && bad.left.message === "my-level.ts: `samples` must be a positive integer")
    const noGenerate = register(emptyRegistry, [{ level: 9, name: "x", skill: "", samples: 1, output: "number" }], "p")
    assert.isTrue(Either.isLeft(noGenerate) && noGenerate.left.message.includes("`generate`"))
  })

  it.effect("a research script adds a level with a Layer", () =>
    Effect.gen(function* () {
      const c = yield* Curriculum
      assert.deepStrictEqual(c.levels.map((l) => l.level), [1, 2, 3, 4, 5, 6, 7, 8])
      assert.strictEqual((yield* c.get(8)).name, "quadratic equations")
      const missing = yield* Effect.exit(c.get(9))
      assert.isTrue(Exit.isFailure(missing))
    }).pipe(Effect.provide(layerWith(quadraticLevel)))
  )

  it.effect("CurriculumLive has the seven built-ins", () =>
    Effect.map(Curriculum, (c) => assert.strictEqual(c.levels.length, 7)).pipe(Effect.provide(CurriculumLive))
  )

  it.effect("a module's default and named exports are loaded once each, with the module URL", () =>
    Effect.gen(function* () {
      const levels = yield* loadPluginModule("./fixtures/two-levels.ts", here)
      assert.deepStrictEqual(levels.map((l) => l.level), [20, 21])
      assert.isTrue(levels.every((l) => l.module?.endsWith("two-levels.ts") === true))
    })
  )

  it.effect("[curriculum] plugins in train_config.toml, relative to the file", () =>
    Effect.gen(function* () {
      const file = tmp("train_config.toml", `[curriculum]\nstart_level = 1\nplugins = ["${path.join(here, "fixtures/two-levels.ts")}", "${path.resolve(here, "../../examples/custom-level.ts")}"]\n`)
      const c = yield* Effect.provide(Curriculum, layerFromConfig(file))
      assert.deepStrictEqual(c.levels.map((l) => l.level), [1, 2, 3, 4, 5, 6, 7, 8, 20, 21])
    })
  )

  it.effect("config errors name the key, the file and the expected type", () =>
    Effect.gen(function* () {
      const file = tmp("train_config.toml", `[curriculum]\nplugins = "./my-level.ts"\n`)
      const e = yield* Effect.flip(pluginsFromConfig(file))
      assert.strictEqual(e.message, `${file}: [curriculum] plugins: expected an array of module paths (strings), got "./my-level.ts"`)
      const missing = yield* Effect.flip(Effect.provide(Curriculum, layerFromConfig(tmp("c.toml", `[curriculum]\nplugins = ["./nope.ts"]\n`))))
      assert.include(missing.message, "cannot load plugin ./nope.ts")
      const none = yield* pluginsFromConfig(path.join(os.tmpdir(), "does-not-exist.toml"), true)
      assert.deepStrictEqual(none.plugins, [])
    })
  )
})
