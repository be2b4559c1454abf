import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ArithmeticBrainLive } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { checkpointOf } from "../../src/layers/storage/checkpoint.js"
import { storageLayers } from "../../src/layers/storage/index.js"
import { Brain } from "../../src/services/Brain.js"
import { Storage } from "../../src/services/Storage.js"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCli } from "./harness.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-train-"))
const config = path.join(dir, "train_config.toml")
fs.writeFileSync(
  config,
  [
    "[training]",
    "epochs_per_level = 2",
    "learning_rate = 0.01",
    "[curriculum]",
    "end_level = 1",
    "min_epochs_per_level = 1",
    "[paths]",
    'train_data = "data"',
    'output_dir = "ck"',
    'log_file = "training.log"',
    'metrics_file = "metrics.jsonl"'
  ].join("\n")
)

describe("grapheme train", () => {
  it.effect("generates missing data, trains, writes checkpoints and the log, prints the table; resumes", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["train", "--config", config, "--threads", "1"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stdout, /level {2}epochs {2}val acc\. {2}test acc\. {2}untrained {2}test n/)
      assert.match(r.stdout, /^ +1 +\d+ +[0-9.]+ % +[0-9.]+ % +[0-9.]+ % +1000$/m)
      for (const file of ["ck/final.bin", "ck/latest.bin", "ck/epoch_1_level_1.bin", "training.log", "metrics.jsonl", "data/train/level_1.jsonl"])
        assert.isTrue(fs.existsSync(path.join(dir, file)), file)
      const log = fs.readFileSync(path.join(dir, "training.log"), "utf8")
      assert.match(log, /^\[Level 1\] Epoch 1\/2$/m)
      assert.match(log, /^ {2}Epoch complete: avg_loss=\S+, GED=\S+, accuracy=\S+$/m)
      const resumed = yield* runCli(["train", "--config", config, "--resume", path.join(dir, "ck/epoch_1_level_1.bin")])
      assert.strictEqual(resumed.code, 0, resumed.stderr)

      // validate --model grades the checkpoint's own answers: the trained brain beside an untrained one.
      const graded = yield* runCli(["validate", "--model", path.join(dir, "ck/final.bin"), "--data", path.join(dir, "data/test/"), "--json"])
      assert.strictEqual(graded.code, 0, graded.stderr)
      const [trained] = JSON.parse(graded.stdout) as Array<{ level: number; count: number; accuracy: number }>
      assert.deepInclude(trained, { level: 1, count: 1000 })
      const untrainedFile = path.join(dir, "untrained.bin")
      yield* Effect.gen(function* () {
        const model = yield* (yield* Brain).make({ seed: 5 })
        yield* (yield* Storage).writeCheckpoint(untrainedFile, checkpointOf({ model, level: 1, epoch: 0, config: {}, rng: {}, metrics: {} }))
      }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.file)))
      const control = yield* runCli(["validate", "--model", untrainedFile, "--data", path.join(dir, "data/test/"), "--json"])
      const [untrained] = JSON.parse(control.stdout) as Array<{ accuracy: number }>
      assert.isAtMost(untrained!.accuracy, 0.05)
      assert.isAbove(trained!.accuracy, untrained!.accuracy)
    }), 300_000)

  it.effect("a bad key in the config is one line naming the key and the file", () =>
    Effect.gen(function* () {
      const bad = path.join(dir, "bad.toml")
      fs.writeFileSync(bad, "[training]\nbatchsize = 64\n")
      const r = yield* runCli(["train", "--config", bad])
      assert.notStrictEqual(r.code, 0)
      assert.match(r.stderr, /bad\.toml: \[training\] batchsize: unknown key/)
      assert.strictEqual(r.stderr.trim().split("\n").length, 1)
    }))

  it.effect("a corrupt checkpoint is refused with a clear message", () =>
    Effect.gen(function* () {
      const broken = path.join(dir, "broken.bin")
      fs.writeFileSync(broken, "not a checkpoint at all")
      const r = yield* runCli(["train", "--config", config, "--resume", broken])
      assert.notStrictEqual(r.code, 0)
      assert.match(r.stderr, /broken\.bin: /)
    }))

  it("Ctrl-C (SIGINT) stops at a batch boundary, writes latest.bin and exits cleanly, with the worker pool running", async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-sigint-"))
    const file = path.join(own, "train_config.toml")
    fs.writeFileSync(
      file,
      ["[training]", "epochs_per_level = 50", "batch_size = 16", "[curriculum]", "end_level = 1", "[paths]", 'train_data = "data"', 'output_dir = "ck"'].join("\n")
    )
    const bin = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../bin/grapheme.js")
    const child = spawn(process.execPath, [bin, "train", "--config", file, "--threads", "2"], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString()
        if (/Batch 100\/\d+/.test(stdout)) resolve()
      })
      void exited.then(() => reject(new Error(`train exited before the first batches: ${stderr}`)))
    })
    child.kill("SIGINT")
    const code = await exited
    assert.strictEqual(code, 0, stderr)
    assert.match(stdout, /^\[Level 1\] Interrupted in epoch \d+ after batch \d+\/\d+; latest\.bin continues from there$/m)
    assert.match(stdout, /interrupted; resume with --resume/)
    assert.match(stdout, /Data-parallel steps: 2 shards per batch on 2 threads/)
    assert.isTrue(fs.existsSync(path.join(own, "ck/latest.bin")))
    assert.isFalse(fs.existsSync(path.join(own, "ck/final.bin")))
  }, 300_000)
})
