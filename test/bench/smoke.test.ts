/**
 * Every benchmark still runs: each bench/*.ts in its `--smoke` mode (tiny sizes, seconds),
 * asserting that it printed its table — never a timing. Benches with a Python peer run
 * their TypeScript side only unless the peer is installed (CI has no torch); with torch
 * installed, the brain bench's smoke runs the value/gradient check against
 * bench/brain_step_torch.py, and a mirror broken on purpose must fail it.
 */
import { spawn, spawnSync } from "node:child_process"
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const ROOT = join(fileURLToPath(import.meta.url), "..", "..", "..")
const TIMEOUT = 180_000

interface Run {
  readonly code: number | null
  readonly out: string
}

/** npx tsx bench/<name>.ts ...args, stdout and stderr together. */
const bench = (name: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", `${name}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env }
    })
    let out = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (out += d.toString()))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, out }))
  })

const expectRan = (run: Run, patterns: ReadonlyArray<RegExp>) => {
  if (run.code !== 0) throw new Error(`exit ${run.code}:\n${run.out}`)
  for (const p of patterns) expect(run.out).toMatch(p)
}

// GRAPHEME_BENCH_NO_TORCH=1 runs this file as a machine without torch would (bench/results.ts findTorch).
const hasTorch = process.env["GRAPHEME_BENCH_NO_TORCH"] !== "1" && ["python3", "/usr/bin/python3"].some(
  (python) => spawnSync(python, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 }).status === 0
)

describe("benchmarks run (--smoke)", () => {
  it("cpus", { timeout: TIMEOUT }, async () => expectRan(await bench("cpus", ["--smoke"]), [/cpu 0: [\d.]+ s/]))

  it("brain-levels", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("brain-levels", ["--smoke"]), [/level 1 seed 1: test [\d.]+ % \(untrained [\d.]+ %\)/]))

  it("shard-threads", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("shard-threads", ["--smoke"]), [/one thread alone: +[\d.]+ ms a shard/, /two threads side by side: [\d.]+ and [\d.]+ ms/]))

  it("engine (and engine-cases)", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("engine", ["--smoke"]), [/Wall clock \(medians\)/, /derivatives +[\d,]+/, /solves +[\d,]+/]))

  it("generate", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("generate", ["--smoke"]), [/median examples\/s per level/, /--threads 1: [\d.]+s/]))

  it("train", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("train", ["--smoke"]), [/plain step \(parallel_batches = false\) +\d+ examples\/s/, /weights bit-identical: yes/]))

  it("train-step (MLP section)", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("train-step", ["--smoke", "--mlp"]), [/TS float64 \(default malloc\) batch +32/]))

  it(`brain-step${hasTorch ? " (with the PyTorch check)" : " (TypeScript side: torch is not installed)"}`, { timeout: TIMEOUT }, async () => {
    const run = await bench("brain-step", ["--smoke"])
    expectRan(run, [/\| L2 b4 \| train \|/, /\| L5 b16 \| evaluate \|/, /\| L7 b16 \| train \|/])
    if (hasTorch) {
      expect(run.out).toMatch(/Equivalence \(PyTorch/)
      expect(run.out).toMatch(/L7 b16 +numbers ×0.1 +values/)
      expect(run.out).not.toMatch(/DIFFERS/)
    }
  })

  it("README.md quotes bench/results/ as written (npm run bench:readme -- --check)", { timeout: TIMEOUT }, async () =>
    expectRan(await bench("readme", ["--check"]), [/README.md is up to date with \d+ fragment/]))

  it.skipIf(!hasTorch)("brain-step's check fails on a broken mirror (a renamed parameter, a changed unit)", { timeout: TIMEOUT }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-"))
    try {
      const original = readFileSync(join(ROOT, "bench", "brain_step_torch.py"), "utf8")
      const broken = (name: string, from: string, to: string) => {
        expect(original).toContain(from)
        const file = join(dir, name)
        writeFileSync(file, original.replace(from, to))
        return file
      }
      const renamed = broken("renamed.py", "self.unknownTangent = ", "self.unknownSlope = ")
      const run = await bench("brain-step", ["--smoke", "--check"], { GRAPHEME_TORCH_MIRROR: renamed })
      expect(run.code).toBe(1)
      expect(run.out).toMatch(/parameter names differ: ours only \['unknownTangent'\], torch only \['unknownSlope'\]/)
      expect(run.out).toMatch(/nothing is timed/)
      const sine = broken("cosine.py", "s = torch.sin(w * a + c)", "s = torch.cos(w * a + c)")
      const changed = await bench("brain-step", ["--smoke", "--check"], { GRAPHEME_TORCH_MIRROR: sine })
      expect(changed.code).toBe(1)
      expect(changed.out).toMatch(/DIFFERS/)
      // and the mirror as committed passes the same check
      copyFileSync(join(ROOT, "bench", "brain_step_torch.py"), join(dir, "same.py"))
      expect((await bench("brain-step", ["--smoke", "--check"], { GRAPHEME_TORCH_MIRROR: join(dir, "same.py") })).code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
