/**
 * Training throughput and memory. Not part of `npm test`:
 *
 *   npx tsx bench/train.ts [--level 3] [--samples 12000] [--batch 64] [--shards 2]
 *                          [--steps 400] [--runs 5] [--only throughput|memory] [--config FILE]
 *   npx tsx bench/train.ts --smoke      a few steps of throughput only (seconds; npm test runs it)
 *
 * 1. Examples/s of training steps (prepareStep, the gradient, an Adam step) on one level's
 *    problems, in three ways run side by side in this process, each `--runs` times in
 *    turn (median reported): the plain step (parallel_batches = false), `--shards`
 *    shards on one thread (--threads 1), and the same shards on two threads (--threads 2,
 *    one worker). Every run starts from the same fresh brain and walks the schedule from
 *    the warm-up on, like a level of `grapheme train`. The two sharded ways also check that
 *    they end with bit-identical weights. Goal: threads 2 ≥ 1.7 × threads 1.
 * 2. Peak memory (VmHWM, sampled from /proc) and wall time of a whole `grapheme train`
 *    run with `stream_data = true` (the config given, default ./train_config.toml, with its
 *    checkpoints and logs sent to a temporary directory). Goal: ≤ 1 GB.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { parse as parseToml, stringify } from "smol-toml"
import { Rng } from "../src/domain/Random.js"
import { subtreeValues } from "../src/layers/brain/targets.js"
import { plainSteps, shardedSteps, type StepRunner } from "../src/layers/trainer/parallel/StepRunner.js"
import { defaultBrainSource } from "../src/layers/trainer/defaultBrain.js"
import { workerSteps } from "../src/layers/trainer/parallel/workerSteps.js"
import { ExampleTable, examplesAt } from "../src/layers/trainer/table.js"
import { builtinLevels } from "../src/plugins/index.js"
import type { BrainExample, BrainModel } from "../src/services/Brain.js"
import { brain, drawLevel, optimizerFor } from "../test/brain/support.js"

const argv = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = Number(argv[i + 1])
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a positive integer`)
  return v
}
/** `--smoke`: 400 examples, 12 steps, one run, throughput only (seconds; npm test runs it). */
const smoke = argv.includes("--smoke")
const level = option("level", 3)
const samples = smoke ? 400 : option("samples", 12_000)
const batchSize = option("batch", 64)
const shards = option("shards", 2)
const stepCount = smoke ? 12 : option("steps", 400)
const runs = smoke ? 1 : option("runs", 5)
const configIndex = argv.indexOf("--config")
const configFile = configIndex >= 0 ? (argv[configIndex + 1] as string) : "train_config.toml"

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}

// ---- 1. step throughput -------------------------------------------------------------------

/** Stored as the trainer stores them (packed; a batch parses its examples). */
let examples = ExampleTable.empty()
let order: Array<number> = []

/** Wall seconds of `stepCount` steps from a fresh brain; the brain is returned for the bit check. */
const timed = (model: BrainModel, runner: StepRunner): number => {
  const optimizer = optimizerFor(model, "adam")
  runner.setExamples(examples)
  const started = performance.now()
  for (let step = 0; step < stepCount; step++) {
    const at = (step * batchSize) % (order.length - batchSize)
    const indices = order.slice(at, at + batchSize)
    const batch = examplesAt(examples, indices)
    const progress = { fraction: step / stepCount }
    optimizer.zeroGrad()
    model.prepareStep?.(batch, progress)
    runner.step(indices, batch, progress)
    optimizer.step()
  }
  return (performance.now() - started) / 1000
}

const weightsOf = (model: BrainModel) => model.module.parameters().flatMap((p) => Array.from(p.data))

const throughput = Effect.gen(function* () {
  const drawn: Array<BrainExample> = drawLevel(builtinLevels[level - 1]!, samples, 2024).map((e) => ({ ...e, subtreeValues: subtreeValues(e.input.expr, e.input.bindings) }))
  examples = ExampleTable.of(drawn)
  order = Rng.seeded(7, 1).shuffle(drawn.map((_, i) => i))
  const seconds = { plain: [] as Array<number>, one: [] as Array<number>, two: [] as Array<number> }
  let identical = true
  // One model and one worker pool per way for the whole benchmark, reset to the same fresh
  // brain before every run, as in a training run where the workers live as long as it does.
  const fresh = brain(1)
  const initial = { parameters: fresh.module.stateDict(), state: fresh.state() }
  const reset = (model: BrainModel) => {
    model.module.loadStateDict(initial.parameters)
    Effect.runSync(model.loadState(initial.state))
    return model
  }
  const plain = brain(1)
  const one = brain(1)
  const two = brain(1)
  const ways = { plain: plainSteps(plain), one: shardedSteps(one, shards), two: yield* workerSteps(two, defaultBrainSource, { threads: 2, shards, maxBatch: batchSize, seed: 1 }) }
  // One untimed pass of each way first: V8 tiers the code up over the first second of work.
  for (let run = -1; run < runs; run++) {
    const times = { plain: timed(reset(plain), ways.plain), one: timed(reset(one), ways.one), two: timed(reset(two), ways.two) }
    if (run < 0) continue
    seconds.plain.push(times.plain)
    seconds.one.push(times.one)
    seconds.two.push(times.two)
    const w1 = weightsOf(one)
    identical &&= weightsOf(two).every((v, i) => Object.is(v, w1[i]))
    process.stderr.write(`run ${run + 1}/${runs}: plain ${times.plain.toFixed(2)} s, threads 1 ${times.one.toFixed(2)} s, threads 2 ${times.two.toFixed(2)} s\n`)
  }
  const rate = (xs: ReadonlyArray<number>) => (stepCount * batchSize) / median(xs)
  const rows = [
    ["plain step (parallel_batches = false)", rate(seconds.plain)],
    [`${shards} shards, --threads 1`, rate(seconds.one)],
    [`${shards} shards, --threads 2`, rate(seconds.two)]
  ] as const
  console.log(`\nTraining steps, level ${level}, batch ${batchSize}, ${stepCount} steps from a fresh brain, median of ${runs} runs (load ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores):`)
  for (const [name, r] of rows) console.log(`  ${name.padEnd(40)} ${Math.round(r).toString().padStart(8)} examples/s`)
  console.log(`  threads 2 / threads 1: ×${(rate(seconds.two) / rate(seconds.one)).toFixed(2)} (goal ≥ 1.7); threads 2 / plain: ×${(rate(seconds.two) / rate(seconds.plain)).toFixed(2)}`)
  console.log(`  threads 1 and threads 2 weights bit-identical: ${identical ? "yes" : "NO"}`)
})

// ---- 2. memory of a whole run -------------------------------------------------------------

const peakOf = (pid: number): number => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
    return m === null ? 0 : Number(m[1]) * 1024
  } catch {
    return 0
  }
}

const fullRun = Effect.promise(async () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
  const source = path.resolve(configFile)
  const config = parseToml(fs.readFileSync(source, "utf8")) as Record<string, Record<string, unknown>>
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-bench-train-"))
  const sourceDir = path.dirname(source)
  const paths = config["paths"] ?? {}
  config["paths"] = {
    ...paths,
    train_data: path.resolve(sourceDir, String(paths["train_data"] ?? "data/generated")),
    output_dir: path.join(dir, "checkpoints"),
    log_file: path.join(dir, "training.log"),
    metrics_file: path.join(dir, "metrics.jsonl")
  }
  config["hardware"] = { ...config["hardware"], stream_data: true }
  const file = path.join(dir, "train_config.toml")
  fs.writeFileSync(file, stringify(config))
  const started = performance.now()
  const child = spawn(process.execPath, [path.join(root, "bin/grapheme.js"), "train", "--config", file], { stdio: ["ignore", "pipe", "inherit"] })
  let peak = 0
  let output = ""
  child.stdout.on("data", (d: Buffer) => void (output += d.toString()))
  const timer = setInterval(() => (peak = Math.max(peak, peakOf(child.pid as number))), 100)
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)))
  clearInterval(timer)
  fs.rmSync(dir, { recursive: true, force: true })
  const table = output.split("\n").filter((l) => /^\s+(level|\d+ |wall)/.test(l))
  console.log(`\nWhole run, ${configFile} with stream_data = true (exit ${code}):`)
  for (const line of table) console.log(line)
  console.log(
    `  peak resident memory ${(peak / 2 ** 30).toFixed(2)} GiB = ${(peak / 1e9).toFixed(2)} GB (goal ≤ 1 GB), wall ${((performance.now() - started) / 60000).toFixed(1)} min`
  )
})

const onlyIndex = argv.indexOf("--only")
const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined
const measured = Effect.scoped(throughput)
const program = only === "memory" ? fullRun : only === "throughput" || smoke ? measured : Effect.zipRight(measured, fullRun)
Effect.runPromise(program).catch((e) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
