/**
 * Times the default brain (ArithmeticBrain, every head's gate locked: the main phase) on
 * fixed seeded batches, against the same architecture in PyTorch:
 *   L2, L3, L7  train step: featurize → forward → numericObjective → backward → Adam (clip 1)
 *               (level 7's equations carry tangents, the unknown's pair and the readout unit)
 *   L5          the evaluator the rule learners call (symbolic/learn.ts): one forward pass
 *               without a graph, every row's value, over level-5 integrands with x bound
 * at batch 64 and 1024: median of RUNS steps after WARMUP warm-up steps per case (one
 * warm-up pass over every case first, a full GC between cases). Featurize is timed on its
 * own and left out of the "step" column (PyTorch is fed the featurized index arrays).
 *
 * If PyTorch is importable (`python3`, else `/usr/bin/python3`), bench/brain_step_torch.py
 * builds the same brain, loads the same initial weights and featurized index arrays (a JSON
 * dump written here), checks that node values, loss, gradients and one clipped Adam step
 * agree with ours (to 1e-12, or to how far one ulp of the weights moves torch's own values
 * where that is further; else the bench fails before timing anything), and times the
 * same step in float64 and float32, one thread. The TS child and the torch child run in
 * turn, ROUNDS times; each figure is the median over the rounds of the per-round medians.
 *
 *   npx tsx bench/brain-step.ts                 check + timings; writes bench/results/brain-step.md
 *   npx tsx bench/brain-step.ts --check         the equivalence check only
 *   npx tsx bench/brain-step.ts --smoke         tiny batches, one round, the check but no torch timing (npm test runs it)
 *   npx tsx bench/brain-step.ts --rounds 5      more rounds
 *   npx tsx bench/brain-step.ts --tuned-malloc  both sides with GLIBC_TUNABLES that keep freed memory
 *   npx tsx bench/brain-step.ts --keep-dump     keep the JSON dump (prints its path)
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import type { Expr } from "../src/domain/Expr.js"
import { Rng } from "../src/domain/Random.js"
import { ArithmeticBrain } from "../src/layers/brain/ArithmeticBrain.js"
import { canFeaturize, featurize, type BrainInput, type FeaturizedBatch } from "../src/layers/brain/featurize.js"
import { numericObjective } from "../src/layers/brain/objective.js"
import { run } from "../src/layers/engine/run.js"
import { numberOfAnswer } from "../src/layers/grading.js"
import * as Adam from "../src/layers/optimizers/Adam.js"
import { level2 } from "../src/plugins/builtin/level2.js"
import { level3 } from "../src/plugins/builtin/level3.js"
import { level5 } from "../src/plugins/builtin/level5.js"
import { level7 } from "../src/plugins/builtin/level7.js"
import type { CurriculumLevel } from "../src/services/CurriculumLevel.js"
import * as T from "../src/tensor/index.js"
import { benchHeader, commandOf, findTorch, median, writeResult } from "./results.js"

const MODEL_SEED = 1
const OPTIMIZER = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, gradClipNorm: 1 }
const TUNED_MALLOC =
  "glibc.malloc.top_pad=268435456:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"
const CHILD_FLAG = "GRAPHEME_BRAIN_BENCH_CHILD"
const SELF = fileURLToPath(import.meta.url)
/** The mirror; GRAPHEME_TORCH_MIRROR points elsewhere (test/bench/smoke.test.ts checks that a broken mirror fails). */
const TORCH_SCRIPT = process.env["GRAPHEME_TORCH_MIRROR"] ?? join(SELF, "..", "brain_step_torch.py")
/** Agreement required of PyTorch before anything is timed (relative; see the check's columns). */
const TOLERANCE = 1e-12

type Kind = "train" | "evaluate"

interface Case {
  readonly name: string
  readonly level: CurriculumLevel
  readonly batch: number
  readonly kind: Kind
}

interface Sizes {
  readonly warmup: number
  readonly runs: number
  readonly batches: readonly [number, number]
}
const FULL: Sizes = { warmup: 20, runs: 21, batches: [64, 1024] }
const SMOKE: Sizes = { warmup: 1, runs: 3, batches: [4, 16] }

const casesOf = (sizes: Sizes): ReadonlyArray<Case> =>
  (
    [
      ["L2", level2, "train"],
      ["L3", level3, "train"],
      ["L5", level5, "evaluate"],
      ["L7", level7, "train"]
    ] as const
  ).flatMap(([label, level, kind]) => sizes.batches.map((batch) => ({ name: `${label} b${batch}`, level, batch, kind })))

interface Data {
  readonly inputs: ReadonlyArray<BrainInput>
  readonly targets: Float64Array
}

/** A fixed batch of a train case: problems of the level with the Engine's numeric answers. */
const drawProblems = (level: CurriculumLevel, count: number, seed: number): Data => {
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

/** A fixed batch of an evaluate case: level-5 integrands f of (derive f x), x bound in [0.3, 2.2] (learn.ts's range). */
const drawIntegrands = (level: CurriculumLevel, count: number, seed: number): Data => {
  const rng = Rng.seeded(seed, level.level)
  const inputs: Array<BrainInput> = []
  while (inputs.length < count) {
    const e = level.generate(rng).input
    if (e._tag !== "Fn" || e.fn !== "derive") continue
    const f = e.args[0] as Expr
    const variable = e.args[1] as Expr
    if (variable._tag !== "Symbol" || !canFeaturize(f)) continue
    inputs.push({ expr: f, bindings: [[variable.name, rng.uniform(0.3, 2.2)]] })
  }
  return { inputs, targets: new Float64Array(count) }
}

const draw = (c: Case): Data => (c.kind === "train" ? drawProblems : drawIntegrands)(c.level, c.batch, 7)

/** A fresh brain with every head of the batch locked to its initial argmax (the main phase). */
const makeNet = (features: FeaturizedBatch): ArithmeticBrain => {
  const net = new ArithmeticBrain(Rng.seeded(MODEL_SEED, 0xb7a1), { embedding: 8 })
  net.lockGates(new Set(features.levels.flatMap((l) => [...l.head])))
  return net
}

const makeAdam = (net: ArithmeticBrain) => Effect.runSync(Adam.make(net.parameters(), OPTIMIZER))

export interface BrainTiming {
  readonly featurize: number
  /** forward + objective (train), the forward pass without a graph (evaluate). */
  readonly forward: number
  readonly backward: number
  readonly optimizer: number
  /** forward + objective + backward + Adam (train), forward (evaluate); featurize excluded. */
  readonly step: number
  /** CPU time (user + system, all threads) of the step. */
  readonly stepCpu: number
}

interface Prepared {
  readonly c: Case
  readonly data: Data
  readonly net: ArithmeticBrain
  readonly opt: ReturnType<typeof makeAdam>
}

const prepare = (c: Case): Prepared => {
  const data = draw(c)
  const net = makeNet(featurize(data.inputs))
  return { c, data, net, opt: makeAdam(net) }
}

/** `warmup` steps, then `runs` timed steps. */
const benchTs = ({ c, data, net, opt }: Prepared, warmup: number, runs: number): BrainTiming => {
  const rows: Array<readonly [number, number, number, number, number]> = []
  for (let r = 0; r < warmup + runs; r++) {
    const t0 = performance.now()
    const features = featurize(data.inputs)
    const t1 = performance.now()
    const c1 = process.cpuUsage()
    let t2: number, t3: number
    if (c.kind === "evaluate") {
      const values = T.noGrad(() => Float64Array.from(net.forward(features).values.data))
      t2 = t3 = performance.now()
      if (values.length === 0) throw new Error(`${c.name}: no values`)
    } else {
      opt.zeroGrad()
      const loss = numericObjective(net.forward(features), data.targets)
      t2 = performance.now()
      loss.backward()
      t3 = performance.now()
      opt.step()
      if (!Number.isFinite(loss.item())) throw new Error(`${c.name}: loss is ${loss.item()}`)
    }
    const t4 = performance.now()
    const cpu = process.cpuUsage(c1)
    if (r >= warmup) rows.push([t1 - t0, t2 - t1, t3 - t2, t4 - t3, (cpu.user + cpu.system) / 1000])
  }
  const col = (k: number) => rows.map((x) => x[k]!)
  return {
    featurize: median(col(0)),
    forward: median(col(1)),
    backward: median(col(2)),
    optimizer: median(col(3)),
    step: median(rows.map((x) => x[1]! + x[2]! + x[3]!)),
    stepCpu: median(col(4))
  }
}

// ---------------------------------------------------------------------------------------
// The dump for PyTorch: featurized index arrays, initial weights, and our results.

const list = (xs: ArrayLike<number>): Array<number | string> =>
  Array.from(xs, (v) => (Number.isFinite(v) ? v : String(v)))

/** Our forward (and for a train case: loss, gradients and one Adam step) from the initial weights. */
const reference = (c: Case, f: FeaturizedBatch, targets: Float64Array) => {
  const net = makeNet(f)
  if (c.kind === "evaluate") return { values: list(T.noGrad(() => net.forward(f).values.data)) }
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
  const data = draw(c)
  const f = featurize(data.inputs)
  const net = makeNet(f)
  const parameters = net
    .namedParameters()
    .map(([name, p]) => ({ name, rows: p.rows, cols: p.cols, requiresGrad: p.requiresGrad, data: list(p.data) }))
  const small = { ...f, leafValues: scaled(f.leafValues, true) }
  const smallTargets = scaled(data.targets, false)
  return {
    name: c.name,
    kind: c.kind,
    batch: c.batch,
    features: {
      leafCount: f.leafCount,
      leafValues: list(f.leafValues),
      hasUnbound: f.hasUnbound,
      unboundRows: Array.from(f.symbolLeafRow).filter((_, s) => f.symbolLeafUnbound[s] === 1),
      levels: f.levels.map((l) => ({ head: list(l.head), child0: list(l.child0), child1: list(l.child1) })),
      roots: list(f.roots)
    },
    targets: list(data.targets),
    lockedPath: list(net.lockedPath),
    readoutSigns: list(net.readoutSigns),
    frozenHead: list(net.frozenHead),
    solvedHead: list(net.solvedHead),
    parameters,
    checks: [
      { label: "batch as drawn", ours: reference(c, f, data.targets) },
      { label: `numbers ×${SCALE}`, leafValues: list(small.leafValues), targets: list(smallTargets), ours: reference(c, small, smallTargets) }
    ]
  }
}

// ---------------------------------------------------------------------------------------

const envOf = (tuned: boolean): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  if (tuned) env["GLIBC_TUNABLES"] = TUNED_MALLOC
  else delete env["GLIBC_TUNABLES"]
  return env
}

const lastLines = (text: string): string => text.trim().split("\n").slice(-3).join(" | ")

const runTsChild = (env: NodeJS.ProcessEnv, smoke: boolean): ReadonlyArray<BrainTiming> | null => {
  const result = spawnSync(process.execPath, [...process.execArgv, "--expose-gc", SELF, ...(smoke ? ["--smoke"] : [])], {
    encoding: "utf8",
    timeout: 900_000,
    env: { ...env, [CHILD_FLAG]: "1" }
  })
  if (result.status !== 0) {
    console.log(`TS child run failed: ${lastLines(result.stderr)}`)
    return null
  }
  return JSON.parse(result.stdout) as ReadonlyArray<BrainTiming>
}

interface TorchTiming {
  readonly median: number
  readonly min: number
  readonly cpu: number
  readonly finite: boolean
}
interface TorchReport {
  readonly version: string
  readonly check?: ReadonlyArray<Record<string, number | string>>
  readonly timings: Record<string, TorchTiming>
}

const runTorch = (python: string, dump: string, mode: "check" | "bench", env: NodeJS.ProcessEnv, sizes: Sizes): TorchReport | null => {
  const result = spawnSync(python, [TORCH_SCRIPT, dump, mode, String(sizes.warmup), String(sizes.runs)], {
    encoding: "utf8",
    timeout: 900_000,
    env
  })
  if (result.status !== 0) {
    console.log(`PyTorch run failed: ${lastLines(result.stderr)}`)
    return null
  }
  return JSON.parse(result.stdout) as TorchReport
}

/** Prints the check's rows; true when every figure is within TOLERANCE. */
const reportCheck = (check: TorchReport): boolean => {
  const rows = check.check ?? []
  const e = (x: number | string | undefined) => (x === undefined ? "–" : Number(x).toExponential(1)).padStart(7)
  console.log(
    `Equivalence (PyTorch ${check.version}, float64, same initial weights and index arrays), each figure must be ≤ ${TOLERANCE}\n` +
      "  (or ≤ the last column, at most 1e-9, where one ulp of the weights moves torch's own values further):\n" +
      "  values: max |Δ|/max(1, |ours|) over every node; loss, grads: relative to the largest |ours|; params after clip + Adam: abs.\n" +
      "  Last column: torch against itself with every weight ×(1+2⁻⁵²) (how far one ulp moves the values)."
  )
  let ok = rows.length > 0
  for (const row of rows) {
    const figures = ["values", "loss", "grads", "stepped"].map((k) => row[k]).filter((x) => x !== undefined)
    // 1e-12, or on a batch so ill-conditioned that one ulp of the weights moves torch's own
    // values further, that distance (at most 1e-9): rounding, not a different formula.
    const bound = Math.min(1e-9, Math.max(TOLERANCE, Number(row["ulpValues"] ?? 0)))
    const good = figures.every((x) => Number(x) <= bound)
    ok &&= good
    console.log(
      `  ${String(row["case"]).padEnd(9)} ${String(row["label"]).padEnd(15)} values ${e(row["values"])}, loss ${e(row["loss"])}, ` +
        `grads ${e(row["grads"])}, params ${e(row["stepped"])}; ulp ${e(row["ulpValues"])}${good ? "" : "  ← DIFFERS"}`
    )
  }
  return ok
}

export interface BrainSectionOptions {
  /** Only the equivalence check (no timings). */
  readonly checkOnly?: boolean
  /** Keep the JSON dump for PyTorch and print its path. */
  readonly keepDump?: boolean
  /** Tiny sizes, one round, no result file. */
  readonly smoke?: boolean
  readonly rounds?: number
  readonly tunedMalloc?: boolean
}

/** Runs the section; false when the check failed (or a child failed). */
export const brainSection = (options: BrainSectionOptions = {}): boolean => {
  const smoke = options.smoke === true
  const sizes = smoke ? SMOKE : FULL
  const cases = casesOf(sizes)
  const rounds = smoke ? 1 : Math.max(1, options.rounds ?? 3)
  const env = envOf(options.tunedMalloc === true)
  const loadBefore = loadavg()
  console.log(
    `\nBrain step (ArithmeticBrain, embedding 8, ${new ArithmeticBrain(Rng.seeded(1)).parameterCount()} weights, gates locked; ` +
      `train = numericObjective + backward + Adam (clip 1), evaluate = forward without a graph)${smoke ? " — SMOKE: tiny batches" : ""}\n` +
      `median of ${sizes.runs} after ${sizes.warmup} warm-up, ${rounds} round(s) of TS child then torch child, ` +
      `${options.tunedMalloc ? "tuned" : "default"} malloc, ${cpus().length} CPUs, load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")}`
  )
  const python = findTorch()
  let ok = true
  const ours: Array<ReadonlyArray<BrainTiming>> = []
  const theirs: Array<TorchReport> = []
  let torchVersion: string | undefined
  const dir = mkdtempSync(join(tmpdir(), "brain-step-"))
  const dump = join(dir, "brain-step.json")
  try {
    if (python !== null) {
      writeFileSync(dump, JSON.stringify({ optimizer: OPTIMIZER, cases: cases.map(dumpCase) }))
      const check = runTorch(python, dump, "check", env, sizes)
      if (check === null || !reportCheck(check)) {
        console.log("PyTorch does not compute what we compute: nothing is timed (fix bench/brain_step_torch.py).")
        return false
      }
      torchVersion = check.version
    } else console.log("PyTorch: not importable by python3 or /usr/bin/python3 — TypeScript side only")
    if (options.checkOnly) return true
    for (let round = 0; round < rounds; round++) {
      const t = runTsChild(env, smoke)
      if (t === null) return false
      ours.push(t)
      if (python !== null && !smoke) {
        const r = runTorch(python, dump, "bench", env, sizes)
        if (r === null) return false
        theirs.push(r)
      }
    }
  } finally {
    if (options.keepDump) console.log(`dump kept: ${dump}`)
    else rmSync(dir, { recursive: true, force: true })
  }
  const loadAfter = loadavg()
  // Median over rounds of each round's median.
  const oursOf = (i: number, key: keyof BrainTiming) => median(ours.map((t) => t[i]![key]))
  const torchOf = (c: Case, dtype: string) =>
    theirs.length === 0 ? undefined : median(theirs.map((r) => r.timings[`${dtype}:${c.name}`]!.median))
  const f = (x: number | undefined, w: number) => (x === undefined ? "–" : x.toFixed(2)).padStart(w)
  const ratio = (a: number, b: number | undefined) => (b === undefined ? "–" : `${(a / b).toFixed(2)}×`)
  const lines = [
    "| case | kind | featurize | forward | backward | Adam | ours: step | PyTorch f64 | ours / f64 | PyTorch f32 | ours / f32 |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  ]
  cases.forEach((c, i) => {
    const step = oursOf(i, "step")
    const f64 = torchOf(c, "float64")
    const f32 = torchOf(c, "float32")
    const evaluate = c.kind === "evaluate"
    lines.push(
      `| ${c.name} | ${c.kind} | ${f(oursOf(i, "featurize"), 5)} | ${f(oursOf(i, "forward"), 5)} | ${evaluate ? "–" : f(oursOf(i, "backward"), 5)} | ` +
        `${evaluate ? "–" : f(oursOf(i, "optimizer"), 5)} | **${step.toFixed(2)}** | ${f(f64, 5)} | **${ratio(step, f64)}** | ${f(f32, 5)} | ${ratio(step, f32)} |`
    )
  })
  const nonFinite = theirs.some((r) => Object.values(r.timings).some((x) => !x.finite))
  const notes =
    "ms, medians; step = forward + objective + backward + Adam for train cases, one forward pass without a graph for L5 " +
    "(featurize excluded: torch is fed the index arrays)" +
    (nonFinite ? "; float32 overflows to a non-finite loss at init on some cases (same work, the timing stands)" : "")
  console.log(["", ...lines, notes].join("\n"))
  if (!smoke && !options.checkOnly)
    writeResult("brain-step", {
      title: "Brain step vs PyTorch",
      command: commandOf("bench:brain-step"),
      header: benchHeader({ loadBefore, loadAfter, extra: torchVersion === undefined ? "PyTorch not installed" : `PyTorch ${torchVersion}, 1 thread` }),
      body: [...lines, "", notes].join("\n")
    })
  return ok
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
const smokeFlag = process.argv.includes("--smoke")

if (process.env[CHILD_FLAG] === "1") {
  if (isMain) {
    const sizes = smokeFlag ? SMOKE : FULL
    const prepared = casesOf(sizes).map(prepare)
    // JIT warm-up on every shape first, so that the first case measured is not the one that pays for it
    for (const p of prepared) benchTs(p, 0, 1)
    const collect = (globalThis as { gc?: () => void }).gc
    // a full collection between cases: a case should not pay for the previous case's garbage
    console.log(JSON.stringify(prepared.map((p) => (collect?.(), benchTs(p, sizes.warmup, sizes.runs)))))
  }
} else if (isMain) {
  const at = process.argv.indexOf("--rounds")
  const ok = brainSection({
    checkOnly: process.argv.includes("--check"),
    keepDump: process.argv.includes("--keep-dump"),
    smoke: smokeFlag,
    tunedMalloc: process.argv.includes("--tuned-malloc"),
    ...(at >= 0 ? { rounds: Number(process.argv[at + 1]) } : {})
  })
  if (!ok) process.exitCode = 1
}
