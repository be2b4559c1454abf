/**
 * Generation benchmark: examples/s per level and the wall time of the full dataset
 * (510,000 examples, SPEC §4) with --threads 1 and --threads 2, median of several runs.
 *
 *   npx tsx bench/generate.ts                      # 3 runs × threads 1 and 2, full size
 *   npx tsx bench/generate.ts --runs 5 --threads 1,2,4 --samples 20000 --levels 5,6
 *   npx tsx bench/generate.ts --smoke                    # 20 per level, one run (npm test runs it)
 *
 * Every run is a fresh child process (cold JIT, workers started inside the timing,
 * like `grapheme generate`), writing to a temporary directory that is removed after.
 * "wall" is the Generator's own time (pool start-up included); "process" adds Node and
 * tsx start-up. The peak resident memory of each run is reported too.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Layer } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { CurriculumLive } from "../src/layers/CurriculumLive.js"
import { layer } from "../src/layers/generator/GeneratorLive.js"
import type { GenerateSummary } from "../src/services/Generator.js"
import { Generator } from "../src/services/Generator.js"

interface RunResult {
  readonly threads: number
  readonly wall: number
  readonly process: number
  readonly maxRssMb: number
  /** CPU seconds of the whole process (all threads). */
  readonly cpu: number
  /** Seconds the main thread's event loop was busy during the run. */
  readonly mainBusy: number
  /** CPU seconds per kind of thread (Linux /proc: node = main thread, WorkerThread… = workers, V8/libuv helpers). */
  readonly threadCpu: Record<string, number>
  readonly levels: ReadonlyArray<{ readonly level: number; readonly written: number; readonly seconds: number }>
}

/** `--smoke`: one run, one thread, 20 examples per level (seconds; npm test runs it). */
const SMOKE = process.argv.includes("--smoke")
const SMOKE_ARGS: Record<string, string> = { runs: "1", threads: "1", samples: "20" }

const arg = (name: string, fallback: string): string => {
  if (SMOKE && SMOKE_ARGS[name] !== undefined) return SMOKE_ARGS[name]
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** CPU seconds of each live thread of this process, by thread id (Linux /proc; empty elsewhere). */
const threadTimes = (): Map<string, { readonly name: string; readonly cpu: number }> => {
  const out = new Map<string, { name: string; cpu: number }>()
  try {
    for (const tid of fs.readdirSync("/proc/self/task")) {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8")
      const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim()
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      out.set(tid, { name, cpu: (Number(fields[11]) + Number(fields[12])) / 100 })
    }
  } catch {
    // not Linux
  }
  return out
}

/** Samples the threads' CPU while the run goes (worker threads are gone at the end). */
const threadSampler = () => {
  const seen = new Map<string, { name: string; cpu: number }>()
  const sample = () => {
    for (const [tid, t] of threadTimes()) seen.set(tid, t)
  }
  const timer = setInterval(sample, 250)
  return {
    stop: (): Record<string, number> => {
      clearInterval(timer)
      sample()
      const main = String(process.pid)
      const out: Record<string, number> = {}
      for (const [tid, t] of seen) {
        const key = tid === main ? "main" : t.name.startsWith("node") ? "other node threads" : t.name
        out[key] = Number(((out[key] ?? 0) + t.cpu).toFixed(2))
      }
      return out
    }
  }
}

const levelsArg = (): ReadonlyArray<number> | "all" => {
  const l = arg("levels", "all")
  return l === "all" ? "all" : l.split(",").map(Number)
}

/** One run, in this (child) process: prints its RunResult as JSON on the last line. */
const child = async () => {
  const threads = Number(arg("threads", "1"))
  const samples = arg("samples", "")
  const output = fs.mkdtempSync(path.join(os.tmpdir(), "grapheme-bench-"))
  const started = performance.now()
  const elu0 = performance.eventLoopUtilization()
  const sampler = threadSampler()
  const summary: GenerateSummary = await Effect.runPromise(
    Effect.flatMap(Generator, (g) =>
      g.generate({ levels: levelsArg(), samples: samples === "" ? undefined : Number(samples), output, seed: 42 })
    ).pipe(Effect.provide(layer(threads).pipe(Layer.provide(Layer.merge(CurriculumLive, NodeFileSystem.layer)))), Effect.scoped)
  )
  const wall = (performance.now() - started) / 1000
  const elu = performance.eventLoopUtilization(elu0)
  fs.rmSync(output, { recursive: true, force: true })
  const result: RunResult = {
    threads,
    wall,
    process: process.uptime(),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpu: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    mainBusy: elu.active / 1000,
    threadCpu: sampler.stop(),
    levels: summary.levels.map((l) => ({ level: l.level, written: l.written, seconds: l.seconds }))
  }
  console.log(JSON.stringify(result))
}

const parent = () => {
  const runs = Number(arg("runs", "3"))
  const threadCounts = arg("threads", "1,2").split(",").map(Number)
  const samples = arg("samples", "")
  const self = fileURLToPath(import.meta.url)
  const results = new Map<number, Array<RunResult>>()
  console.log(`generate benchmark: ${runs} run(s) per thread count, ${samples === "" ? "full size (510,000)" : `${samples} per level`}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`)
  for (let r = 0; r < runs; r++)
    for (const t of threadCounts) {
      const args = ["--import", "tsx", self, "--child", "--threads", String(t), "--levels", arg("levels", "all"), ...(samples === "" ? [] : ["--samples", samples])]
      const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 24 })
      const result = JSON.parse(out.trim().split("\n").pop() as string) as RunResult
      results.set(t, [...(results.get(t) ?? []), result])
      console.log(`  run ${r + 1} threads ${t}: ${result.wall.toFixed(1)}s (process ${result.process.toFixed(1)}s, CPU ${result.cpu.toFixed(1)}s, main thread busy ${result.mainBusy.toFixed(1)}s, thread CPU ${JSON.stringify(result.threadCpu)}, peak RSS ${result.maxRssMb.toFixed(0)} MB, load ${os.loadavg()[0]?.toFixed(1)})`)
    }
  const levels = (results.get(threadCounts[0] as number) ?? [])[0]?.levels.map((l) => l.level) ?? []
  const header = ["level", ...threadCounts.map((t) => `ex/s @${t}`)]
  console.log(`\nmedian examples/s per level\n${header.join("\t")}`)
  for (const level of levels) {
    const cells = threadCounts.map((t) => {
      const rates = (results.get(t) ?? []).map((r) => {
        const l = r.levels.find((x) => x.level === level)
        return l === undefined ? 0 : l.written / l.seconds
      })
      return median(rates).toFixed(0)
    })
    console.log([level, ...cells].join("\t"))
  }
  const walls = threadCounts.map((t) => median((results.get(t) ?? []).map((r) => r.wall)))
  const total = (results.get(threadCounts[0] as number) ?? [])[0]?.levels.reduce((s, l) => s + l.written, 0) ?? 0
  console.log(`\nmedian wall time for ${total} examples`)
  threadCounts.forEach((t, i) => {
    const w = walls[i] as number
    const speedup = (walls[0] as number) / w
    console.log(`  --threads ${t}: ${w.toFixed(1)}s  (${(total / w).toFixed(0)} examples/s${i > 0 ? `, ×${speedup.toFixed(2)} vs --threads ${threadCounts[0]}` : ""})`)
  })
}

if (process.argv.includes("--child")) await child()
else parent()
