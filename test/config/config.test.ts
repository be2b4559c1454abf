/**
 * train_config.toml (SPEC §5): the repository's file is the seed's, every key is
 * optional, unknown keys and wrong types are one-line errors naming file, key and
 * expected type, TOML syntax errors name line:column, flags override the file.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Either, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { TrainConfig } from "../../src/domain/Config.js"
import { ConfigError, defaultConfig, keysOf, sectionNames, TrainConfig as TrainConfigSchema } from "../../src/domain/Config.js"
import {
  applyOverrides,
  configToToml,
  loadConfig,
  loadConfigFlag,
  loadConfigOptional,
  parseConfig,
  pluginSpecs,
  rebasePaths
} from "../../src/layers/config/load.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const repoToml = fs.readFileSync(path.join(root, "train_config.toml"), "utf8")

/** The seed's train_config.toml values, written out independently of the schema's defaults. */
const seedValues = {
  training: { batch_size: 64, epochs_per_level: 10, learning_rate: 0.001, patience: 5, checkpoint_every: 2 },
  optimizer: { type: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: 0.0001 },
  loss: {
    node_insertion_cost: 1.0,
    node_deletion_cost: 1.0,
    edge_insertion_cost: 0.5,
    edge_deletion_cost: 0.5,
    clique_weight: 2.0
  },
  curriculum: { start_level: 1, end_level: 7, advance_threshold: 0.95, min_epochs_per_level: 5 },
  paths: { train_data: "data/generated", output_dir: "checkpoints", log_file: "training.log" },
  hardware: { num_threads: 0, parallel_batches: true }
} as const

const ok = (text: string, file = "train_config.toml"): TrainConfig =>
  Either.getOrThrowWith(parseConfig(text, file), (e) => new Error(e.message))

const fail = (text: string, file = "train_config.toml"): ConfigError => {
  const r = parseConfig(text, file)
  if (Either.isRight(r)) throw new Error(`expected a ConfigError for:\n${text}`)
  return r.left
}

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-config-"))

describe("train_config.toml", () => {
  it("the repository's file decodes to the seed's values", () => {
    const config = ok(repoToml)
    for (const [name, values] of Object.entries(seedValues))
      for (const [key, value] of Object.entries(values))
        assert.strictEqual(
          (config as unknown as Record<string, Record<string, unknown>>)[name]?.[key],
          value,
          `[${name}] ${key}`
        )
    // … and its extensions have their documented defaults: the file is the defaults.
    assert.deepStrictEqual(config, defaultConfig)
    assert.strictEqual(config.hardware.stream_data, false)
    assert.deepStrictEqual(config.curriculum.plugins, [])
  })

  it("has exactly the seed's sections, plus nothing", () => {
    assert.deepStrictEqual([...sectionNames], ["training", "optimizer", "loss", "curriculum", "paths", "hardware"])
    for (const [name, values] of Object.entries(seedValues))
      for (const key of Object.keys(values)) assert.include(keysOf(name as keyof TrainConfig), key)
  })

  it("every section and key is optional: an empty file, or any key left out, gives the defaults", () => {
    assert.deepStrictEqual(ok(""), defaultConfig)
    assert.deepStrictEqual(ok("[training]\n[optimizer]\n[loss]\n[curriculum]\n[paths]\n[hardware]\n"), defaultConfig)
    const lines = repoToml.split("\n")
    for (const name of sectionNames)
      for (const key of keysOf(name)) {
        const without = lines.filter((l) => !l.startsWith(`${key} =`)).join("\n")
        assert.notStrictEqual(without, repoToml, `the repository's file sets ${key}`)
        assert.deepStrictEqual(ok(without), defaultConfig, `without ${key}`)
      }
  })

  it("a value given replaces its default and nothing else", () => {
    const c = ok(`[training]\nbatch_size = 32\n\n[hardware]\nstream_data = true\n`)
    assert.strictEqual(c.training.batch_size, 32)
    assert.strictEqual(c.hardware.stream_data, true)
    assert.deepStrictEqual({ ...c, training: defaultConfig.training, hardware: defaultConfig.hardware }, defaultConfig)
  })

  it("an unknown key is one line naming the file, the key and the known keys", () => {
    const e = fail("[training]\nbatchsize = 64\n")
    assert.strictEqual(e.reason, "UnknownKey")
    assert.strictEqual(
      e.message,
      "train_config.toml: [training] batchsize: unknown key (did you mean batch_size? known: batch_size, epochs_per_level, learning_rate, patience, checkpoint_every, seed)"
    )
    assert.strictEqual(
      fail("[hardware]\ngpu = true\n", "exp/a.toml").message,
      "exp/a.toml: [hardware] gpu: unknown key (known: num_threads, parallel_batches, batch_shards, stream_data)"
    )
    assert.strictEqual(
      fail("[trainig]\nbatch_size = 64\n").message,
      "train_config.toml: [trainig]: unknown section (did you mean training? known: training, optimizer, loss, curriculum, paths, hardware)"
    )
    assert.strictEqual(
      fail("batch_size = 64\n").message,
      "train_config.toml: [batch_size]: unknown section (batch_size is a key of [training]: write it under [training])"
    )
  })

  it("a wrong type is one line naming the file, the key, the expected type and the value found", () => {
    const e = fail(`[training]\nbatch_size = "64"\n`)
    assert.strictEqual(e.reason, "InvalidValue")
    assert.strictEqual(e.message, `train_config.toml: [training] batch_size: expected an integer ≥ 1, got "64"`)
    assert.strictEqual(
      fail(`[optimizer]\ntype = "rmsprop"\n`).message,
      `train_config.toml: [optimizer] type: expected one of "sgd", "adam", "adamw", got "rmsprop"`
    )
    assert.strictEqual(
      fail(`[hardware]\nparallel_batches = "yes"\n`).message,
      `train_config.toml: [hardware] parallel_batches: expected true or false, got "yes"`
    )
    assert.strictEqual(
      fail(`[curriculum]\nplugins = "./my-level.ts"\n`).message,
      `train_config.toml: [curriculum] plugins: expected an array of module paths (strings), got "./my-level.ts"`
    )
    assert.strictEqual(
      fail(`[curriculum]\nplugins = ["./a.ts", 3]\n`).message,
      `train_config.toml: [curriculum] plugins[1]: expected a module path (a non-empty string), got 3`
    )
    assert.strictEqual(
      fail(`training = 5\n`).message,
      `train_config.toml: [training]: expected a table ([training] section), got 5`
    )
  })

  it("every key refuses a value of the wrong type, in one line that names it", () => {
    for (const name of sectionNames)
      for (const key of keysOf(name)) {
        const e = fail(`[${name}]\n${key} = { wrong = 1 }\n`, "cfg.toml")
        assert.strictEqual(e.reason, "InvalidValue")
        assert.match(e.message, new RegExp(`^cfg\\.toml: \\[${name}\\] ${key}: expected .+, got a table$`))
        assert.notInclude(e.message, "\n")
      }
  })

  it("values out of range are refused with the range", () => {
    const cases: Array<[string, string]> = [
      ["[training]\nbatch_size = 0", "[training] batch_size: expected an integer ≥ 1, got 0"],
      ["[training]\nbatch_size = 1.5", "[training] batch_size: expected an integer ≥ 1, got 1.5"],
      ["[training]\nlearning_rate = 0", "[training] learning_rate: expected a number > 0, got 0"],
      ["[training]\nlearning_rate = nan", "[training] learning_rate: expected a number > 0, got NaN"],
      ["[training]\nseed = -1", "[training] seed: expected an integer between 0 and 4294967295, got -1"],
      ["[optimizer]\nbeta1 = 1.0", "[optimizer] beta1: expected a number in [0, 1), got 1"],
      ["[optimizer]\nepsilon = 0", "[optimizer] epsilon: expected a number > 0, got 0"],
      ["[loss]\nclique_weight = -2.0", "[loss] clique_weight: expected a number ≥ 0, got -2"],
      ["[loss]\nnode_insertion_cost = inf", "[loss] node_insertion_cost: expected a number ≥ 0, got Infinity"],
      ["[curriculum]\nadvance_threshold = 1.5", "[curriculum] advance_threshold: expected a number in [0, 1], got 1.5"],
      ["[curriculum]\nstart_level = 0", "[curriculum] start_level: expected an integer ≥ 1, got 0"],
      ["[curriculum]\nstart_level = 5\nend_level = 3", "[curriculum] end_level: expected an integer ≥ start_level (5), got 3"],
      ["[hardware]\nnum_threads = -1", "[hardware] num_threads: expected an integer ≥ 0, got -1"],
      ["[paths]\noutput_dir = \"\"", `[paths] output_dir: expected a path (a non-empty string), got ""`],
      ["[paths]\nstorage = \"disk\"", `[paths] storage: expected one of "file", "memory", got "disk"`]
    ]
    for (const [text, expected] of cases) assert.strictEqual(fail(text).message, `train_config.toml: ${expected}`)
  })

  it("a TOML syntax error names line and column", () => {
    const e = fail("[training]\nbatch_size = 64\nepochs_per_level = \n")
    assert.strictEqual(e.reason, "Syntax")
    assert.strictEqual(e.line, 3)
    assert.strictEqual(e.message, "train_config.toml:3:20: invalid TOML: invalid value")
    const twice = fail("[training]\nbatch_size = 64\nbatch_size = 32\n")
    assert.match(twice.message, /^train_config\.toml:3:1: invalid TOML: .*redefine/)
    assert.notInclude(twice.message, "\n")
  })
})

describe("flags override the file", () => {
  const file = ok(`[training]\nbatch_size = 32\nlearning_rate = 0.01\n[optimizer]\ntype = "sgd"\n[hardware]\nnum_threads = 4\n`)

  it("each flag replaces its key; absent flags (undefined or None) keep the file's value", () => {
    const c = Either.getOrThrow(
      applyOverrides(file, {
        batchSize: Option.some(8),
        epochs: 3,
        learningRate: Option.none(),
        optimizer: "adamw",
        data: "elsewhere/data",
        output: Option.some("runs/1"),
        threads: undefined,
        seed: 7
      })
    )
    assert.strictEqual(c.training.batch_size, 8)
    assert.strictEqual(c.training.epochs_per_level, 3)
    assert.strictEqual(c.training.learning_rate, 0.01)
    assert.strictEqual(c.optimizer.type, "adamw")
    assert.strictEqual(c.paths.train_data, "elsewhere/data")
    assert.strictEqual(c.paths.output_dir, "runs/1")
    assert.strictEqual(c.hardware.num_threads, 4)
    assert.strictEqual(c.training.seed, 7)
    assert.deepStrictEqual(c.loss, file.loss)
    assert.strictEqual(Either.getOrThrow(applyOverrides(file, {})), file)
  })

  it("a bad flag value is one line naming the flag", () => {
    const bad = (o: Parameters<typeof applyOverrides>[1]) => {
      const r = applyOverrides(defaultConfig, o)
      if (Either.isRight(r)) throw new Error("expected a ConfigError")
      return r.left.message
    }
    assert.strictEqual(bad({ batchSize: 0 }), "--batch-size: expected an integer ≥ 1, got 0")
    assert.strictEqual(bad({ optimizer: "rmsprop" }), `--optimizer: expected one of "sgd", "adam", "adamw", got "rmsprop"`)
    assert.strictEqual(bad({ learningRate: Option.some(-1) }), "--lr: expected a number > 0, got -1")
    assert.strictEqual(bad({ threads: -2 }), "--threads: expected an integer ≥ 0, got -2")
  })

  it.effect("with a file on disk: --config FILE, then the flags", () =>
    Effect.gen(function* () {
      const dir = tmpDir()
      const cfg = path.join(dir, "train_config.toml")
      fs.writeFileSync(cfg, `[training]\nbatch_size = 16\nepochs_per_level = 4\n`)
      const loaded = yield* loadConfigFlag(Option.some(cfg))
      const final = yield* applyOverrides(loaded, { epochs: Option.some(2) })
      assert.strictEqual(final.training.batch_size, 16)
      assert.strictEqual(final.training.epochs_per_level, 2)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})

describe("loading files", () => {
  it.effect("the repository's train_config.toml loads as the defaults", () =>
    Effect.gen(function* () {
      const config = yield* loadConfig(path.join(root, "train_config.toml"))
      // paths come back relative to the current directory
      const expected = rebasePaths(defaultConfig, root, process.cwd())
      assert.deepStrictEqual(config, expected)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.effect("--config FILE that does not exist is an error; the default file may be absent", () =>
    Effect.gen(function* () {
      const missing = path.join(tmpDir(), "nope.toml")
      const e = yield* Effect.flip(loadConfigFlag(Option.some(missing)))
      assert.strictEqual(e.reason, "NotFound")
      assert.strictEqual(e.message, `${missing}: no such file`)
      assert.deepStrictEqual(yield* loadConfigOptional(missing), defaultConfig)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.effect("errors from a file on disk name it as given", () =>
    Effect.gen(function* () {
      const dir = tmpDir()
      const cfg = path.join(dir, "bad.toml")
      fs.writeFileSync(cfg, `[training]\nbatch_size = "64"\n`)
      const e = yield* Effect.flip(loadConfig(cfg))
      assert.instanceOf(e, ConfigError)
      assert.strictEqual(e.message, `${cfg}: [training] batch_size: expected an integer ≥ 1, got "64"`)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.effect("relative paths in a file are relative to the file; plugins come out ready for the loader", () =>
    Effect.gen(function* () {
      const dir = tmpDir()
      const cfg = path.join(dir, "exp", "train_config.toml")
      fs.mkdirSync(path.dirname(cfg))
      fs.writeFileSync(
        cfg,
        `[curriculum]\nplugins = ["./my-level.ts", "/abs/level.ts", "file:///x/y.js"]\n[paths]\ntrain_data = "../data"\noutput_dir = "/tmp/abs"\n`
      )
      const c = yield* loadConfig(cfg)
      const cwd = process.cwd()
      assert.strictEqual(path.resolve(cwd, c.paths.train_data), path.join(dir, "data"))
      assert.strictEqual(c.paths.output_dir, "/tmp/abs")
      assert.strictEqual(path.resolve(cwd, c.paths.log_file), path.join(dir, "exp", "training.log"))
      const specs = pluginSpecs(c)
      assert.strictEqual(specs.baseDir, cwd)
      assert.strictEqual(path.resolve(specs.baseDir, specs.plugins[0] as string), path.join(dir, "exp", "my-level.ts"))
      assert.deepStrictEqual(specs.plugins.slice(1), ["/abs/level.ts", "file:///x/y.js"])
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it("a file in the current directory comes back exactly as written", () => {
    const c = ok(`[curriculum]\nplugins = ["./my-level.ts"]\n`)
    assert.strictEqual(rebasePaths(c, process.cwd(), process.cwd()), c)
    assert.deepStrictEqual(c.curriculum.plugins, ["./my-level.ts"])
  })
})

describe("round trip", () => {
  it("defaults → TOML → defaults", () => {
    const text = configToToml(defaultConfig)
    assert.deepStrictEqual(ok(text), defaultConfig)
    for (const name of sectionNames) assert.include(text, `[${name}]`)
  })

  it.prop("any valid config → TOML → the same config", [Arbitrary.make(TrainConfigSchema)], ([config]) => {
    assert.deepStrictEqual(ok(configToToml(config)), config)
  }, { fastCheck: { numRuns: 200 } })
})

describe("docs/config.md", () => {
  it("documents every key", () => {
    const doc = fs.readFileSync(path.join(root, "docs/config.md"), "utf8")
    for (const name of sectionNames) {
      assert.include(doc, `[${name}]`)
      for (const key of keysOf(name)) assert.include(doc, `\`${key}\``, `[${name}] ${key}`)
    }
  })
})
