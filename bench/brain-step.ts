/**
 * Times one main-phase training step of the default brain (ArithmeticBrain, gates locked):
 *   featurize → forward → numericObjective → backward → Adam step (clip 1, lr 0.01, no decay)
 * on fixed seeded batches of level-2 and level-3 problems (batch 64 and 1024): median of
 * RUNS steps after WARMUP warm-up steps per case (and one warm-up pass over every case
 * first, with a full GC between cases). Featurize is timed on its own and left out of the
 * "step" column (PyTorch is fed the featurized index arrays); "step+feat" includes it.
 * "step CPU" is the process's user + system time for the step, less sensitive to other
 * jobs on the machine than the wall clock.
 *
 * If PyTorch is importable (`python3`, else `/usr/bin/python3`), bench/brain_step_torch.py
 * builds the same architecture in PyTorch (1 thread, float64 and float32; two dataflows,
 * see there), loads the same initial weights and the same featurized index arrays (a JSON
 * dump written here), checks that node values, loss, gradients and one clipped Adam step
 * agree with ours, and times the same step.
 *
 *   npx tsx bench/brain-step.ts               check + timings (bench/train-step.ts runs this too)
 *   npx tsx bench/brain-step.ts --check       the equivalence check only
 *   npx tsx bench/brain-step.ts --keep-dump   keep the JSON dump (prints its path)
 *
 * Each side runs under the default glibc malloc and with GLIBC_TUNABLES that keep freed
 * memory in the process (see bench/train-step.ts for why that matters on this VM).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { Rng } from "../src/domain/Random.js"
import { ArithmeticBrain } from "../src/layers/brain/ArithmeticBrain.js"
import { featurize, type BrainInput, type FeaturizedBatch } from "../src/layers/brain/featurize.js"
import { numericObjective } from "../src/layers/brain/objective.js"
import { run } from "../src/layers/engine/run.js"
import { numberOfAnswer } from "../src/layers/grading.js"
import * as Adam from "../src/layers/optimizers/Adam.js"
import { level2 } from "../src/plugins/builtin/level2.js"
import { level3 } from "../src/plugins/builtin/level3.js"
import type { CurriculumLevel } from "../src/services/CurriculumLevel.js"

const WARMUP = 20
const RUNS = 21
const MODEL_SEED = 1
const OPTIMIZER = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, gradClipNorm: 1 }
const TUNED_MALLOC =
  "glibc.malloc.top_pad=268435456:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"
const CHILD_FLAG = "GRAPHEME_BRAIN_BENCH_CHILD"
const SELF = fileURLToPath(import.meta.url)
const TORCH_SCRIPT = join(SELF, "..", "brain_step_torch.py")

interface Case {
  readonly name: string
  readonly level: CurriculumLevel
  readonly batch: number
}

const cases: ReadonlyArray<Case> = [
  { name: "L2 b64", level: level2, batch: 64 },
  { name: "L2 b1024", level: level2, batch: 1024 },
  { name: "L3 b64", level: level3, batch: 64 },
  { name: "L3 b1024", level: level3, batch: 1024 }
]

interface Data {
  readonly inputs: ReadonlyArray<BrainInput>
  readonly targets: Float64Array
}

/** A fixed batch: problems of the level with the Engine's numeric answers. */
const draw = (level: CurriculumLevel, count: number, seed: number): Data => {
  const rng = Rng.seeded(seed, level.level)
  const inputs: Array<BrainInput> = []
  const targets: Array<number> = []
  while (inputs.length < count) {
    const p = level.generate(rng)
    let value: number | undefined
    try {
      value = numberOfAnswer(run(p.input, p.bindings))
    } catch {
      continue
    }
    if (value === undefined || !Number.isFinite(value)) continue
    inputs.push({ expr: p.input, bindings: p.bindings ?? [] })
    targets.push(value)
  }
  return { inputs, targets: Float64Array.from(targets) }
}

/** A fresh brain with every head of the batch locked to its initial argmax (the main phase). */
const makeNet = (features: FeaturizedBatch): ArithmeticBrain => {
  const net = new ArithmeticBrain(Rng.seeded(MODEL_SEED, 0xb7a1), { embedding: 8 })
  net.lockGates(new Set(features.levels.flatMap((l) => [...l.head])))
  return net
}

const makeAdam = (net: ArithmeticBrain) => Effect.runSync(Adam.make(net.parameters(), OPTIMIZER))

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

export interface BrainTiming {
  readonly featurize: number
  readonly forward: number
  readonly backward: number
  readonly optimizer: number
  /** forward + objective + backward + Adam (featurize excluded). */
  readonly step: number
  readonly stepMin: number
  /** CPU time (user + system, all threads) of the step: less sensitive to other processes. */
  readonly stepCpu: number
  /** featurize + step. */
  readonly total: number
}

interface Prepared {
  readonly c: Case
  readonly data: Data
  readonly net: ArithmeticBrain
  readonly opt: ReturnType<typeof makeAdam>
}

const prepare = (c: Case): Prepared => {
  const data = draw(c.level, c.batch, 7)
  const net = makeNet(featurize(data.inputs))
  return { c, data, net, opt: makeAdam(net) }
}

/** WARMUP steps, then RUNS timed steps. */
const benchTs = ({ c, data, net, opt }: Prepared, runs = RUNS): BrainTiming => {
  const rows: Array<readonly [number, number, number, number, number]> = []
  for (let r = 0; r < WARMUP + runs; r++) {
    const t0 = performance.now()
    const features = featurize(data.inputs)
    const t1 = performance.now()
    const c1 = process.cpuUsage()
    opt.zeroGrad()
    const loss = numericObjective(net.forward(features), data.targets)
    const t2 = performance.now()
    loss.backward()
    const t3 = performance.now()
    opt.step()
    const t4 = performance.now()
    const cpu = process.cpuUsage(c1)
    if (!Number.isFinite(loss.item())) throw new Error(`${c.name}: loss is ${loss.item()}`)
    if (r >= WARMUP) rows.push([t1 - t0, t2 - t1, t3 - t2, t4 - t3, (cpu.user + cpu.system) / 1000])
  }
  const col = (k: number) => rows.map((x) => x[k]!)
  const steps = rows.map((x) => x[1]! + x[2]! + x[3]!)
  return {
    featurize: median(col(0)),
    forward: median(col(1)),
    backward: median(col(2)),
    optimizer: median(col(3)),
    step: median(steps),
    stepMin: Math.min(...steps),
    stepCpu: median(col(4)),
    total: median(rows.map((x) => x[0]! + x[1]! + x[2]! + x[3]!))
  }
}

// ---------------------------------------------------------------------------------------
// The dump for PyTorch: featurized index arrays, initial weights, and our results.

const list = (xs: ArrayLike<number>): Array<number | string> =>
  Array.from(xs, (v) => (Number.isFinite(v) ? v : String(v)))

/** Our forward, loss, gradients and one Adam step from the initial weights, for the check. */
const reference = (f: FeaturizedBatch, targets: Float64Array) => {
  const net = makeNet(f)
  const opt = makeAdam(net)
  opt.zeroGrad()
  const forward = net.forward(f)
  const loss = numericObjective(forward, targets)
  loss.backward()
  const grads = Object.fromEntries(net.namedParameters().map(([name, p]) => [name, p.grad === null ? null : list(p.grad)]))
  opt.step()
  const stepped = Object.fromEntries(net.namedParameters().map(([name, p]) => [name, list(p.data)]))
  return { loss: loss.item(), values: list(forward.values.data), grads, stepped }
}

/** Numbers ×0.1 (the absent-child slot keeps its 1): the same graph, well inside float range. */
const SCALE = 0.1
const scaled = (xs: Float64Array, keepFirst: boolean): Float64Array =>
  xs.map((x, i) => (keepFirst && i === 0 ? x : x * SCALE))

const dumpCase = (c: Case) => {
  const data = draw(c.level, c.batch, 7)
  const f = featurize(data.inputs)
  const net = makeNet(f)
  const initial = net.namedParameters().map(([name, p]) => ({ name, rows: p.rows, cols: p.cols, data: list(p.data) }))
  // Bound symbols read their binding's value in leafValues (a pointer by name).
  const small = { ...f, leafValues: scaled(f.leafValues, true) }
  const smallTargets = scaled(data.targets, false)
  return {
    name: c.name,
    batch: c.batch,
    features: {
      leafCount: f.leafCount,
      leafValues: list(f.leafValues),
      symbolLeafRow: list(f.symbolLeafRow),
      levels: f.levels.map((l) => ({ head: list(l.head), child0: list(l.child0), child1: list(l.child1) })),
      roots: list(f.roots)
    },
    targets: list(data.targets),
    lockedPath: list(net.lockedPath),
    parameters: initial,
    checks: [
      { label: "batch as drawn", ours: reference(f, data.targets) },
      {
        label: `numbers ×${SCALE}`,
        leafValues: list(small.leafValues),
        targets: list(smallTargets),
        ours: reference(small, smallTargets)
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------

const tunedEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GLIBC_TUNABLES: TUNED_MALLOC })
const defaultEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env["GLIBC_TUNABLES"]
  return env
}

const runTsChild = (env: NodeJS.ProcessEnv): ReadonlyArray<BrainTiming> | null => {
  const result = spawnSync(process.execPath, [...process.execArgv, "--expose-gc", SELF], {
    encoding: "utf8",
    timeout: 900_000,
    env: { ...env, [CHILD_FLAG]: "1" }
  })
  if (result.status !== 0) {
    console.log(`TS child run failed: ${result.stderr.trim().split("\n").slice(-3).join(" | ")}`)
    return null
  }
  return JSON.parse(result.stdout) as ReadonlyArray<BrainTiming>
}

const findTorch = (): string | null => {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 })
    if (probe.status === 0) return python
  }
  return null
}

interface TorchReport {
  readonly version: string
  readonly check?: ReadonlyArray<Record<string, number | string>>
  readonly timings: Record<string, { readonly median: number; readonly min: number; readonly cpu: number; readonly finite: boolean }>
}

const runTorch = (python: string, dump: string, mode: "check" | "bench", env: NodeJS.ProcessEnv): TorchReport | null => {
  const result = spawnSync(python, [TORCH_SCRIPT, dump, mode, String(WARMUP), String(RUNS)], {
    encoding: "utf8",
    timeout: 900_000,
    env
  })
  if (result.status !== 0) {
    console.log(`PyTorch run failed: ${result.stderr.trim().split("\n").slice(-3).join(" | ")}`)
    return null
  }
  return JSON.parse(result.stdout) as TorchReport
}

const ms = (x: number): string => `${x.toFixed(2)} ms`.padStart(9)

export interface BrainSectionOptions {
  /** Only the equivalence check (no timings). */
  readonly checkOnly?: boolean
  /** Keep the JSON dump for PyTorch and print its path. */
  readonly keepDump?: boolean
}

export const brainSection = (options: BrainSectionOptions = {}): void => {
  console.log(
    `\nBrain train step (ArithmeticBrain, embedding 8, ${new ArithmeticBrain(Rng.seeded(1)).parameterCount()} weights, ` +
      `gates locked, numericObjective, Adam + clip 1) — median of ${RUNS} after ${WARMUP} warm-up, ` +
      `${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`
  )
  const mallocs = [
    { name: "default malloc", env: defaultEnv() },
    { name: "tuned malloc", env: tunedEnv() }
  ] as const
  const ours = options.checkOnly ? [] : mallocs.map(({ env }) => runTsChild(env))
  const python = findTorch()
  let torch: Array<TorchReport | null> = []
  if (python !== null) {
    const dir = mkdtempSync(join(tmpdir(), "brain-step-"))
    const dump = join(dir, "brain-step.json")
    try {
      writeFileSync(dump, JSON.stringify({ optimizer: OPTIMIZER, cases: cases.map(dumpCase) }))
      const check = runTorch(python, dump, "check", defaultEnv())
      if (check?.check !== undefined) {
        console.log(`Equivalence (PyTorch ${check.version}, float64, same initial weights and index arrays):`)
        const e = (x: number | string | undefined) => Number(x).toExponential(1).padStart(7)
        console.log(
          "  max |Δ| (values: |Δ|/max(1, |ours|) over every node; loss and grads: relative to the largest |ours|).\n" +
            "  At init the drawn batches drive exponential units to e^50: one-ulp differences (exp/log/cos of V8 vs\n" +
            "  torch) grow there, as the last column shows; ×0.1 numbers keep the same graph well conditioned."
        )
        for (const row of check.check)
          console.log(
            `  ${String(row["case"]).padEnd(9)} ${String(row["label"]).padEnd(15)} ${String(row["dataflow"]).padEnd(9)} ` +
              `loss ${Number(row["lossOurs"]).toPrecision(6).padStart(12)}: values ${e(row["values"])}, loss ${e(row["loss"])}, ` +
              `grads ${e(row["grads"])}, params after clip + Adam ${e(row["stepped"])} (abs); ` +
              `torch vs itself with weights ×(1+2⁻⁵²): values ${e(row["ulpValues"])}`
          )
      }
      if (!options.checkOnly) torch = mallocs.map(({ env }) => runTorch(python, dump, "bench", env))
    } finally {
      if (options.keepDump) console.log(`dump kept: ${dump}`)
      else rmSync(dir, { recursive: true, force: true })
    }
  } else console.log("PyTorch: not importable by python3 — comparison skipped")

  mallocs.forEach(({ name }, k) => {
    const timings = ours[k]
    if (timings === null || timings === undefined) return
    const theirs = torch[k]
    console.log(
      `\n${name}${theirs ? ` — PyTorch ${theirs.version}, 1 thread; torch columns: hoisted / per-level dataflow` : ""}\n` +
        `| case     | featurize | fwd+obj | backward |  adam |  step (min)       | step CPU | step+feat | torch f64 step      | torch f32 step      | ours/f64 | ours/f32 | CPU ours/f64 |\n` +
        `|----------|----------:|--------:|---------:|------:|------------------:|---------:|----------:|--------------------:|--------------------:|---------:|---------:|-------------:|`
    )
    const f = (x: number, w = 5) => x.toFixed(2).padStart(w)
    cases.forEach((c, i) => {
      const t = timings[i]!
      const torchOf = (dtype: string) => {
        const h = theirs?.timings[`${dtype}:hoisted:${c.name}`]
        const p = theirs?.timings[`${dtype}:per-level:${c.name}`]
        if (h === undefined || p === undefined) return undefined
        const fastest = h.median <= p.median ? h : p
        return { text: `${f(h.median, 6)} / ${f(p.median, 6)}${h.finite ? "" : "*"}`, median: fastest.median, cpu: fastest.cpu }
      }
      const f64 = torchOf("float64")
      const f32 = torchOf("float32")
      const ratio = (x: number | undefined, ours = t.step) => (x === undefined ? "–" : `${(ours / x).toFixed(2)}×`)
      console.log(
        `| ${c.name.padEnd(8)} | ${f(t.featurize, 9)} | ${f(t.forward, 7)} | ${f(t.backward, 8)} | ${f(t.optimizer)} | ` +
          `${f(t.step, 7)} (${f(t.stepMin, 6)}) | ${f(t.stepCpu, 8)} | ${f(t.total, 9)} | ${(f64?.text ?? "–").padStart(19)} | ` +
          `${(f32?.text ?? "–").padStart(19)} | ${ratio(f64?.median).padStart(8)} | ${ratio(f32?.median).padStart(8)} | ` +
          `${ratio(f64?.cpu, t.stepCpu).padStart(12)} |`
      )
    })
    console.log(
      "ms, medians; step = forward + objective + backward + Adam (featurize excluded: torch gets the index arrays), " +
        "CPU = user + system time; ratios against the faster torch dataflow" +
        (theirs !== undefined && theirs !== null && Object.values(theirs.timings).some((x) => !x.finite)
          ? "; * float32 overflows to a non-finite loss at init (same work, timing stands)"
          : "")
    )
  })
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]

if (process.env[CHILD_FLAG] === "1") {
  if (isMain) {
    const prepared = cases.map(prepare)
    // JIT warm-up on every shape first, so that the first case measured is not the one that pays for it
    for (const p of prepared) benchTs(p, 1)
    const collect = (globalThis as { gc?: () => void }).gc
    // a full collection between cases: a case should not pay for the previous case's garbage
    console.log(JSON.stringify(prepared.map((p) => (collect?.(), benchTs(p)))))
  }
} else if (isMain) brainSection({ checkOnly: process.argv.includes("--check"), keepDump: process.argv.includes("--keep-dump") })
