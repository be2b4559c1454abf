/**
 * Times one training step (forward, backward, Adam step) of an MLP with two hidden
 * layers (ReLU, MSE loss) on two shapes, median of 9 runs after warm-up:
 *   batch 1024, 128 → 256 → 128 → 1
 *   batch 64,   64 → 64 → 64 → 1
 * If PyTorch is importable (`python3`, else `/usr/bin/python3`), the same model runs in a
 * child process with torch.set_num_threads(1), in float64 and float32, and the ratios
 * are printed. Run: npx tsx bench/train-step.ts
 *
 * Then the brain section (bench/brain-step.ts): one main-phase training step of the
 * default brain on level-2, -3 and -7 batches and the level-5 evaluator, at batch 64 and
 * 1024, against the same brain in PyTorch (checked equal first); it writes
 * bench/results/brain-step.md (`npm run bench:readme` puts it in README.md).
 * `--mlp` or `--brain` runs one section only; `--smoke` runs tiny sizes (npm test runs it).
 *
 * Each side runs twice: with the default glibc malloc, and with GLIBC_TUNABLES that keep
 * freed memory in the process (TUNED_MALLOC below). On VMs where a first touch of a page
 * is expensive (≈ 34 µs per 4 KiB page measured on this project's Firecracker machines),
 * every fresh multi-MiB Float64Array otherwise costs milliseconds.
 */
import { spawnSync } from "node:child_process"
import { cpus, loadavg } from "node:os"
import { Effect } from "effect"
import { Rng } from "../src/domain/Random.js"
import * as Adam from "../src/layers/optimizers/Adam.js"
import * as T from "../src/tensor/index.js"
import { brainSection } from "./brain-step.js"
import { findTorch } from "./results.js"

interface Case {
  readonly batch: number
  readonly sizes: ReadonlyArray<number>
}

/** `--smoke`: tiny MLPs, few runs, and the brain section's smoke (seconds; npm test runs it). */
const SMOKE = process.argv.includes("--smoke")
const cases: ReadonlyArray<Case> = SMOKE
  ? [
      { batch: 32, sizes: [8, 16, 8, 1] },
      { batch: 8, sizes: [8, 8, 8, 1] }
    ]
  : [
      { batch: 1024, sizes: [128, 256, 128, 1] },
      { batch: 64, sizes: [64, 64, 64, 1] }
    ]
const WARMUP = SMOKE ? 1 : 3
const RUNS = SMOKE ? 3 : 9
const TUNED_MALLOC =
  "glibc.malloc.top_pad=268435456:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"
const CHILD_FLAG = "GRAPHEME_BENCH_CHILD"

class Mlp extends T.Module {
  readonly layers: ReadonlyArray<T.Linear>
  constructor(sizes: ReadonlyArray<number>, rng: Rng) {
    super()
    this.layers = sizes.slice(1).map((out, i) => new T.Linear(sizes[i]!, out, rng))
  }
  forward(x: T.Tensor): T.Tensor {
    let h = x
    this.layers.forEach((layer, i) => {
      h = layer.forward(h)
      if (i < this.layers.length - 1) h = T.relu(h)
    })
    return h
  }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

interface Timing {
  readonly step: number
  readonly forward: number
  readonly backward: number
  readonly optimizer: number
}

const benchTs = ({ batch, sizes }: Case): Timing => {
  const rng = Rng.seeded(1)
  const net = new Mlp(sizes, rng)
  const x = T.init.normal(rng, batch, sizes[0]!).detach()
  const y = T.init.normal(rng, batch, 1).detach()
  const opt = Effect.runSync(Adam.make(net.parameters(), { learningRate: 1e-4 }))
  const times: Array<Timing> = []
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const t0 = performance.now()
    opt.zeroGrad()
    const loss = T.mseLoss(net.forward(x), y)
    const t1 = performance.now()
    loss.backward()
    const t2 = performance.now()
    opt.step()
    const t3 = performance.now()
    if (run >= WARMUP) times.push({ step: t3 - t0, forward: t1 - t0, backward: t2 - t1, optimizer: t3 - t2 })
  }
  return {
    step: median(times.map((t) => t.step)),
    forward: median(times.map((t) => t.forward)),
    backward: median(times.map((t) => t.backward)),
    optimizer: median(times.map((t) => t.optimizer))
  }
}

const pythonBench = `
import json, sys, time, torch
torch.set_num_threads(1)
cases = json.loads(sys.argv[1]); warmup, runs = int(sys.argv[2]), int(sys.argv[3])
out = {"version": torch.__version__}
with open("/proc/self/maps") as maps:
    libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() or "mkl" in line.lower()})
out["blas"] = ", ".join(l.rsplit("/", 2)[-2] + "/" + l.rsplit("/", 1)[-1] for l in libs) or "unknown"
for dtype_name, dtype in [("float64", torch.float64), ("float32", torch.float32)]:
    for c in cases:
        torch.manual_seed(1)
        sizes, batch = c["sizes"], c["batch"]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2: layers.append(torch.nn.ReLU())
        net = torch.nn.Sequential(*layers).to(dtype)
        x = torch.randn(batch, sizes[0], dtype=dtype); y = torch.randn(batch, 1, dtype=dtype)
        opt = torch.optim.Adam(net.parameters(), lr=1e-4, weight_decay=1e-4)
        times = []
        for r in range(warmup + runs):
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(x), y)
            loss.backward()
            opt.step()
            t1 = time.perf_counter()
            if r >= warmup: times.append((t1 - t0) * 1e3)
        times.sort()
        out[f"{dtype_name}:{batch}"] = times[len(times) // 2]
print(json.dumps(out))
`

const runTorch = (python: string, env: NodeJS.ProcessEnv): Record<string, number | string> | null => {
  const result = spawnSync(python, ["-c", pythonBench, JSON.stringify(cases), String(WARMUP), String(RUNS)], {
    encoding: "utf8",
    timeout: 300_000,
    env
  })
  if (result.status !== 0) {
    console.log(`PyTorch run failed: ${result.stderr.trim().split("\n").pop() ?? "unknown error"}`)
    return null
  }
  return JSON.parse(result.stdout) as Record<string, number | string>
}

const ms = (x: number): string => `${x.toFixed(2)} ms`
const flops = ({ batch, sizes }: Case): number => {
  let macs = 0
  for (let i = 0; i + 1 < sizes.length; i++) macs += batch * sizes[i]! * sizes[i + 1]!
  return 6 * macs // forward 2·MAC, backward 4·MAC
}

const tunedEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GLIBC_TUNABLES: TUNED_MALLOC })
const defaultEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env["GLIBC_TUNABLES"]
  return env
}

/** This script again in a child process (same tsx loader), returning its timings. */
const runTsChild = (env: NodeJS.ProcessEnv): ReadonlyArray<Timing> | null => {
  const result = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...(SMOKE ? ["--smoke"] : [])], {
    encoding: "utf8",
    timeout: 600_000,
    env: { ...env, [CHILD_FLAG]: "1" }
  })
  if (result.status !== 0) {
    console.log(`TS child run failed: ${result.stderr.trim().split("\n").pop() ?? "unknown error"}`)
    return null
  }
  return JSON.parse(result.stdout) as ReadonlyArray<Timing>
}

const label = (c: Case): string => `batch ${String(c.batch).padStart(4)}, ${c.sizes.join("→")}`

const main = (): void => {
  if (process.env[CHILD_FLAG] === "1") {
    console.log(JSON.stringify(cases.map(benchTs)))
    return
  }
  const brainOnly = process.argv.includes("--brain")
  if (!brainOnly) mlpSection()
  if (!process.argv.includes("--mlp") && !brainSection({ smoke: process.argv.includes("--smoke") })) process.exitCode = 1
}

const mlpSection = (): void => {
  console.log(
    `GRAPHEME-TS train-step benchmark — Node ${process.version}, median of ${RUNS} after ${WARMUP} warm-up, ` +
      `${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} (other processes skew the timings)`
  )
  const mallocs = [
    { name: "default malloc", env: defaultEnv() },
    { name: "tuned malloc", env: tunedEnv() }
  ] as const
  const ours = mallocs.map(({ name, env }) => ({ name, timings: runTsChild(env) }))
  for (const { name, timings } of ours) {
    if (timings === null) continue
    cases.forEach((c, i) => {
      const t = timings[i]!
      const gf = flops(c) / (t.step * 1e6)
      console.log(
        `TS float64 (${name}) ${label(c)}: step ${ms(t.step)} ` +
          `(forward ${ms(t.forward)}, backward ${ms(t.backward)}, adam ${ms(t.optimizer)}) ≈ ${gf.toFixed(2)} GFLOP/s`
      )
    })
  }
  const python = findTorch()
  if (python === null) {
    console.log("PyTorch: not importable by python3 — comparison skipped")
    return
  }
  mallocs.forEach(({ name, env }, k) => {
    const torch = runTorch(python, env)
    const timings = ours[k]!.timings
    if (torch === null || timings === null) return
    console.log(`PyTorch ${String(torch["version"])} (${python}, BLAS ${String(torch["blas"])}), 1 thread, ${name}:`)
    cases.forEach((c, i) => {
      for (const dtype of ["float64", "float32"]) {
        const theirs = torch[`${dtype}:${c.batch}`]
        if (typeof theirs !== "number") continue
        const ratio = timings[i]!.step / theirs
        console.log(`  torch ${dtype} ${label(c)}: step ${ms(theirs)} → TS float64 / torch = ${ratio.toFixed(2)}×`)
      }
    })
  })
}

main()
