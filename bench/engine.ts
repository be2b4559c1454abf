/**
 * Engine throughput: derivatives/s, antiderivatives/s, definite integrals/s and solves/s
 * on a fixed seeded set (bench/engine-cases.ts), and the same problems through SymPy
 * (bench/engine_sympy.py) when `python3 -c "import sympy"` works, as a ratio. Goal: ≥ 50×.
 * Not part of `npm test`:
 *
 *   npx tsx bench/engine.ts [--runs 7] [--sympy-runs 5] [--derivative 500] [--antiderivative 200]
 *                           [--definite 100] [--solve 300] [--no-sympy] [--cases-out FILE] [--check-all]
 *   npx tsx bench/engine.ts --smoke     a few problems, one pass (seconds; npm test runs it)
 *
 * What is timed (parsing is not, on either side):
 * - ours, in-process: `derive(f, "x")` (the derivative, simplified to canonical form),
 *   `antiderivative(f, "x")` (rules + simplify), `definiteIntegral(f, "x", a, b)` (adaptive
 *   quadrature + antiderivative + exact folding at the bounds + the check of one against
 *   the other), `solve(eq, "x")` (exact real roots, simplified). Warm-up of ≥ 3 passes and
 *   ≥ 2 s per operation (V8 tiers the code up over about a second of work: steady state, as
 *   in a long generation run), then the median of `--runs` passes over the whole set. Every
 *   pass works on freshly parsed inputs, so that nothing memoised on input nodes carries
 *   over. The same is done on the SymPy subset (the first N problems of each kind, repeated
 *   within a pass so that a pass lasts ≥ 0.2 s) once before SymPy runs and once after,
 *   the median taken over both halves; the ratio compares the two on identical inputs.
 * - SymPy: `diff(f, x)`, `integrate(f, x)`, `integrate(f, (x, a, b))`, `solve(Eq(l, r), x)`
 *   with x real (engine_sympy.py). One warm-up pass, then the median of `--sympy-runs`
 *   passes; before each pass SymPy's cache is cleared, then warmed on the next N problems of
 *   the same kind (untimed, disjoint from the timed ones).
 * Wall-clock medians are the headline; the ratio of CPU-time medians is printed too, since
 * the 2-core machine is shared with other jobs and wall time includes waiting for a core
 * (our CPU time also counts V8's parallel GC threads, so that ratio is the conservative one).
 *
 * Cross-check (on the SymPy subset; on every problem with --check-all): derivatives are
 * compared at the check points, antiderivatives by their increments F(p) − F(p₀) between
 * check points (the constants of integration may differ), definite integrals by value,
 * solutions as sorted real sets; all within 1e-6 relative. Points where exactly one side is
 * undefined are reported apart ("domain"), and points where our double-precision evaluation
 * is meaningless (see illConditioned) are skipped. Disagreements are listed: each is an
 * engine bug (or SymPy's).
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import type { Expr } from "../src/domain/Expr.js"
import { parse, print } from "../src/domain/Polish.js"
import { derive } from "../src/layers/engine/derive.js"
import { evalFloat } from "../src/domain/FloatEval.js"
import { antiderivative, definiteIntegral } from "../src/layers/engine/integrate.js"
import { solve } from "../src/layers/engine/solve.js"
import { buildCases, CHECK_POINTS, type Case, type Kind, SEED, toLines } from "./engine-cases.js"

// ---- options -------------------------------------------------------------------------------

const argv = process.argv.slice(2)
const flag = (name: string): boolean => argv.includes(`--${name}`)
const option = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = Number(argv[i + 1])
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a positive integer`)
  return v
}
const stringOption = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`)
  return i < 0 ? undefined : argv[i + 1]
}

/** `--smoke`: a few problems of each kind, one pass each (npm test runs it: the bench still works). */
const SMOKE = flag("smoke")
const WARMUP = SMOKE ? 1 : 3
/** V8 tiers code up over ~a second of work (measured: solves/s triple after the first 10 passes). */
const WARMUP_MS = SMOKE ? 0 : 2000
const RUNS = SMOKE ? 1 : option("runs", 7)
const SYMPY_RUNS = SMOKE ? 1 : option("sympy-runs", 5)
const MIN_SUBSET_PASS_MS = SMOKE ? 0 : 200
const REL_TOL = 1e-6
const CHECK_ALL = flag("check-all")

// ---- operations --------------------------------------------------------------------------------

type OpName = "derivative" | "antiderivative" | "definite" | "solve"

interface Op {
  readonly name: OpName
  readonly label: string
  readonly kind: Kind
  readonly subset: number
  /** Runs the operation on a parsed problem; returns what the cross-check needs. */
  readonly run: (problem: Expr) => unknown
}

const argsOf = (e: Expr): ReadonlyArray<Expr> => (e._tag === "Fn" ? e.args : [])

const ops: ReadonlyArray<Op> = [
  {
    name: "derivative",
    label: "derivatives",
    kind: "derive",
    subset: SMOKE ? 10 : option("derivative", 500),
    run: (p) => derive(argsOf(p)[0] as Expr, "x")
  },
  {
    name: "antiderivative",
    label: "antiderivatives",
    kind: "integrate",
    subset: SMOKE ? 5 : option("antiderivative", 200),
    run: (p) => antiderivative(argsOf(p)[0] as Expr, "x")
  },
  {
    name: "definite",
    label: "definite integrals",
    kind: "integrate",
    subset: SMOKE ? 5 : option("definite", 100),
    run: (p) => {
      const [f, , a, b] = argsOf(p) as [Expr, Expr, Expr, Expr]
      return definiteIntegral(f, "x", a, b)
    }
  },
  {
    name: "solve",
    label: "solves",
    kind: "solve",
    subset: SMOKE ? 10 : option("solve", 300),
    run: (p) => solve(argsOf(p)[0] as Expr, "x")
  }
]

// ---- timing ------------------------------------------------------------------------------------

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

const parseAll = (lines: ReadonlyArray<string>): Array<Expr> =>
  lines.map((s) => {
    const r = parse(s)
    if (Either.isLeft(r)) throw new Error(`bench case does not parse: ${s}`)
    return r.right
  })

interface Pass {
  readonly ms: number
  readonly cpuMs: number
  readonly results: Array<unknown>
  readonly failures: number
}

/** One timed pass over `reps` fresh copies of the problems (parsed before the clock starts). */
const pass = (op: Op, lines: ReadonlyArray<string>, reps: number): Pass => {
  const copies: Array<Array<Expr>> = []
  for (let r = 0; r < reps; r++) copies.push(parseAll(lines))
  const results: Array<unknown> = []
  let failures = 0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (const problems of copies)
    for (const p of problems) {
      try {
        results.push(op.run(p))
      } catch (err) {
        results.push(err)
        failures++
      }
    }
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, results: results.slice(0, lines.length), failures: failures / reps }
}

interface Timing {
  readonly n: number
  readonly reps: number
  readonly times: ReadonlyArray<number>
  readonly cpuTimes: ReadonlyArray<number>
  readonly opsPerS: number
  readonly opsPerCpuS: number
  readonly failures: number
  readonly results: Array<unknown>
}

const summarise = (n: number, reps: number, times: ReadonlyArray<number>, cpuTimes: ReadonlyArray<number>, last: Pass): Timing => ({
  n,
  reps,
  times,
  cpuTimes,
  opsPerS: (n * reps) / (median(times) / 1000),
  opsPerCpuS: (n * reps) / (median(cpuTimes) / 1000),
  failures: last.failures,
  results: last.results
})

/** Warm-up, then RUNS passes; `reps` fixed, or chosen so that a pass lasts ≥ minPassMs. */
const time = (op: Op, lines: ReadonlyArray<string>, minPassMs = 0, fixedReps?: number): Timing => {
  let last = pass(op, lines, 1)
  let spent = last.ms
  for (let w = 1; w < WARMUP || spent < WARMUP_MS; w++) {
    last = pass(op, lines, 1)
    spent += last.ms
  }
  const reps = fixedReps ?? (minPassMs > 0 ? Math.max(1, Math.ceil(minPassMs / Math.max(last.ms, 0.01))) : 1)
  const times: Array<number> = []
  const cpuTimes: Array<number> = []
  for (let r = 0; r < RUNS; r++) {
    last = pass(op, lines, reps)
    times.push(last.ms)
    cpuTimes.push(last.cpuMs)
  }
  return summarise(lines.length, reps, times, cpuTimes, last)
}

/** The subset timed again (same reps) after SymPy has run; the median is over both halves. */
const bracket = (op: Op, lines: ReadonlyArray<string>, before: Timing): Timing => {
  const after = time(op, lines, 0, before.reps)
  return summarise(before.n, before.reps, [...before.times, ...after.times], [...before.cpuTimes, ...after.cpuTimes], {
    ms: 0,
    cpuMs: 0,
    results: after.results,
    failures: after.failures
  })
}

// ---- SymPy -------------------------------------------------------------------------------------

interface SympyOp {
  readonly n: number
  readonly warm: number
  readonly runs_s: ReadonlyArray<number>
  readonly cpu_s: ReadonlyArray<number>
  readonly median_s: number
  readonly median_cpu_s: number
  readonly ops_per_s: number | null
  readonly ops_per_cpu_s: number | null
  readonly failures: number
  readonly unevaluated: number
}
interface SympyCheck {
  readonly text?: string
  readonly error?: string
  readonly values?: ReadonlyArray<number | null>
  readonly value?: number | null
  readonly solutions?: ReadonlyArray<number>
  readonly nonreal?: number
}
interface SympyReport {
  readonly sympy: string
  readonly python: string
  readonly ground_types: string
  readonly runs: number
  readonly ops: Record<OpName, SympyOp>
  readonly check: Record<OpName, ReadonlyArray<SympyCheck>>
}

const sympyAvailable = (): boolean =>
  spawnSync("python3", ["-c", "import sympy"], { stdio: "ignore", timeout: 120_000 }).status === 0

const runSympy = (casesFile: string): SympyReport => {
  const script = fileURLToPath(new URL("./engine_sympy.py", import.meta.url))
  const sizes = ops.flatMap((o) => [`--${o.name}`, String(o.subset)])
  const r = spawnSync(
    "python3",
    [script, casesFile, ...sizes, "--runs", String(SYMPY_RUNS), "--points", CHECK_POINTS.join(","), ...(CHECK_ALL ? ["--check-all"] : [])],
    { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout: 60 * 60 * 1000 }
  )
  if (r.status !== 0) throw new Error(`engine_sympy.py failed (status ${r.status}): ${r.stderr || r.error?.message}`)
  return JSON.parse(r.stdout) as SympyReport
}

// ---- cross-check --------------------------------------------------------------------------------

type Verdict = "agree" | "disagree" | "domain" | "ill-conditioned" | "undetermined" | "ours failed" | "sympy failed"

const close = (a: number, b: number, scale: number): boolean => Math.abs(a - b) <= REL_TOL * Math.max(1, scale)
const defined = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v)
const valuesOf = (e: Expr): Array<number> => CHECK_POINTS.map((x) => evalFloat(e, { x }))

interface Judged {
  readonly verdict: Verdict
  readonly ours: string
  readonly detail: string
}

/**
 * Whether double-precision evaluation of `e` at the check point is meaningless: moving x
 * by ±1e-12 (relative) changes the value by more than 1e-4 of it (condition number ≳ 1e8,
 * e.g. sin(exp(8x)) at x = 2.6), so that rounding alone can exceed the 1e-6 tolerance.
 * Such points are not compared: SymPy's values are computed with 30 digits, ours with 16.
 */
const illConditioned = (e: Expr, x: number, fx: number): boolean => {
  const limit = 1e-4 * Math.max(1, Math.abs(fx))
  for (const s of [1, -1]) {
    const y = evalFloat(e, { x: x * (1 + s * 1e-12) })
    if (!Number.isFinite(y) || Math.abs(y - fx) > limit) return true
  }
  return false
}

const judgePointwise = (e: Expr, theirs: ReadonlyArray<number | null>, increments: boolean): { verdict: Verdict; detail: string } => {
  const ours = valuesOf(e)
  const both: Array<number> = []
  let domain = false
  let ill = 0
  ours.forEach((o, i) => {
    const t = theirs[i]
    if (Number.isFinite(o) && defined(t)) {
      if (illConditioned(e, CHECK_POINTS[i] as number, o)) ill++
      else both.push(i)
    } else if (Number.isFinite(o) !== defined(t)) domain = true
  })
  const at = (i: number) => `x=${CHECK_POINTS[i]}: ours ${ours[i]}, SymPy ${theirs[i]}`
  if (both.length === 0 || (increments && both.length < 2))
    return ill > 0 ? { verdict: "ill-conditioned", detail: "every common point is ill-conditioned in double precision" }
      : { verdict: domain ? "domain" : "undetermined", detail: "no common defined point" }
  const base = both[0] as number
  const mag = (i: number) => Math.max(Math.abs(ours[i] as number), Math.abs(theirs[i] as number))
  for (const i of both) {
    const o = increments ? (ours[i] as number) - (ours[base] as number) : (ours[i] as number)
    const t = increments ? (theirs[i] as number) - (theirs[base] as number) : (theirs[i] as number)
    const scale = increments ? Math.max(mag(i), mag(base)) : mag(i)
    if (!close(o, t, scale)) return { verdict: "disagree", detail: increments ? `${at(i)} (relative to ${at(base)})` : at(i) }
  }
  if (domain) {
    const i = ours.findIndex((o, k) => Number.isFinite(o) !== defined(theirs[k]))
    return { verdict: "domain", detail: `defined on one side only at ${at(i)}` }
  }
  return { verdict: "agree", detail: "" }
}

const describeErr = (err: unknown): string =>
  err instanceof Error ? `${(err as { reason?: string }).reason ?? err.name}: ${err.message.slice(0, 160)}` : String(err)

const judge = (op: OpName, ours: unknown, theirs: SympyCheck | undefined): Judged => {
  if (ours instanceof Error) return { verdict: "ours failed", ours: describeErr(ours), detail: "" }
  if (theirs === undefined || theirs.error !== undefined)
    return { verdict: "sympy failed", ours: "", detail: theirs?.error ?? "missing" }
  switch (op) {
    case "derivative":
    case "antiderivative": {
      const e = ours as Expr
      const j = judgePointwise(e, theirs.values ?? [], op === "antiderivative")
      return { ...j, ours: print(e) }
    }
    case "definite": {
      const d = ours as { value: number; exact: Expr | undefined; method: string }
      const t = theirs.value
      const text = `${d.exact === undefined ? d.value : print(d.exact)} (${d.method})`
      if (!defined(t)) return { verdict: "domain", ours: text, detail: "SymPy's value is not a finite real" }
      return close(d.value, t, Math.max(Math.abs(d.value), Math.abs(t)))
        ? { verdict: "agree", ours: text, detail: "" }
        : { verdict: "disagree", ours: text, detail: `ours ${d.value}, SymPy ${t}` }
    }
    case "solve": {
      const r = ours as { _tag: string; values?: ReadonlyArray<Expr> }
      const text = r._tag === "Solutions" ? `[${(r.values ?? []).map(print).join(", ")}]` : r._tag
      if (r._tag === "AllReals") return { verdict: "disagree", ours: text, detail: "ours: all reals" }
      const mine = r._tag === "Solutions" ? (r.values ?? []).map((v) => evalFloat(v)).sort((a, b) => a - b) : []
      const t = theirs.solutions ?? []
      const same = mine.length === t.length && mine.every((m, i) => close(m, t[i] as number, Math.max(Math.abs(m), Math.abs(t[i] as number))))
      return same ? { verdict: "agree", ours: text, detail: "" } : { verdict: "disagree", ours: text, detail: `ours ${JSON.stringify(mine)}, SymPy ${JSON.stringify(t)}` }
    }
  }
}

// ---- main ---------------------------------------------------------------------------------------

const fmt = (x: number): string =>
  x >= 100 ? Math.round(x).toLocaleString("en-US") : x >= 10 ? x.toFixed(1) : x.toFixed(2)

const pad = (s: string, n: number, right = false): string => (right ? s.padStart(n) : s.padEnd(n))

const main = () => {
  const cases = SMOKE ? buildCases(SEED, { derive: 20, integrate: 10, linear: 10, quadratic: 2 }) : buildCases(SEED)
  const text = toLines(cases)
  const keep = stringOption("cases-out")
  const tmp = keep === undefined ? mkdtempSync(join(tmpdir(), "grapheme-bench-")) : undefined
  const casesFile = keep ?? join(tmp as string, "engine-cases.txt")
  writeFileSync(casesFile, text)
  try {
    report(cases, text, casesFile, keep !== undefined)
  } finally {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true })
  }
}

const report = (cases: ReadonlyArray<Case>, text: string, casesFile: string, kept: boolean) => {
  const byKind = (k: Kind): Array<string> => cases.filter((c: Case) => c.kind === k).map((c) => c.polish)
  const sets: Record<Kind, Array<string>> = { derive: byKind("derive"), integrate: byKind("integrate"), solve: byKind("solve") }
  const fingerprint = createHash("sha256").update(text).digest("hex").slice(0, 16)

  console.log(`GRAPHEME engine bench — seed ${SEED}, ${cases.length} problems (sha256 ${fingerprint}…)${kept ? `, written to ${casesFile}` : ""}`)
  console.log(
    `  derive ${sets.derive.length}, integrate ${sets.integrate.length}, solve ${sets.solve.length}; ` +
      `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(2)} at start`
  )
  console.log(`  ours: warm-up ≥ ${WARMUP} passes and ≥ ${WARMUP_MS / 1000} s per operation, then median of ${RUNS} passes (parsing not timed)`)

  const full = new Map<OpName, Timing>()
  const subset = new Map<OpName, Timing>()
  for (const op of ops) {
    const lines = sets[op.kind]
    full.set(op.name, time(op, lines))
    subset.set(op.name, time(op, lines.slice(0, op.subset), MIN_SUBSET_PASS_MS))
    const f = full.get(op.name) as Timing
    console.log(`  ours ${pad(op.label, 18)} ${pad(fmt(f.opsPerS), 10, true)} /s over ${f.n} (${f.failures} EngineError)`)
  }

  let sympy: SympyReport | undefined
  if (flag("no-sympy")) console.log("\nSymPy skipped (--no-sympy)")
  else if (!sympyAvailable()) console.log("\nSymPy not available (python3 -c \"import sympy\" failed): our figures only")
  else {
    console.log(
      `\nSymPy: first N problems of each kind, 1 warm-up pass, median of ${SYMPY_RUNS} passes; each pass clears SymPy's cache, ` +
        "then warms it on the next N problems (untimed) …"
    )
    sympy = runSympy(casesFile)
    console.log(`  SymPy ${sympy.sympy}, Python ${sympy.python}, ground types ${sympy.ground_types}`)
    // Our subset once more, so that our figure brackets SymPy's in time (the load drifts).
    for (const op of ops) subset.set(op.name, bracket(op, sets[op.kind].slice(0, op.subset), subset.get(op.name) as Timing))
    console.log(`  ours (N) re-timed after SymPy: medians over ${2 * RUNS} passes, ${RUNS} before and ${RUNS} after`)
  }

  const ratioText = (r: number | undefined): string => (r === undefined ? "—" : `${r >= 100 ? Math.round(r) : r.toFixed(1)}×`)
  const table = (title: string, ours: (t: Timing) => number, theirs: (o: SympyOp) => number | null) => {
    console.log(`\n${title}`)
    const header = [
      pad("operation", 19),
      pad("ours ops/s (all)", 17, true),
      pad("N", 4, true),
      pad("ours ops/s (N)", 15, true),
      pad("SymPy ops/s (N)", 16, true),
      pad("ratio", 7, true),
      pad("fail ours/SymPy", 16, true)
    ].join(" ")
    console.log(header)
    console.log("-".repeat(header.length))
    for (const op of ops) {
      const f = full.get(op.name) as Timing
      const s = subset.get(op.name) as Timing
      const sp = sympy?.ops[op.name]
      const spRate = sp === undefined ? null : theirs(sp)
      console.log(
        [
          pad(op.label, 19),
          pad(fmt(ours(f)), 17, true),
          pad(String(s.n), 4, true),
          pad(fmt(ours(s)), 15, true),
          pad(spRate ? fmt(spRate) : "—", 16, true),
          pad(ratioText(spRate ? ours(s) / spRate : undefined), 7, true),
          pad(sp ? `${s.failures}/${sp.failures + sp.unevaluated}` : `${s.failures}/—`, 16, true)
        ].join(" ")
      )
    }
  }
  table("Wall clock (medians) — the headline:", (t) => t.opsPerS, (o) => o.ops_per_s)
  table("Process CPU time (medians; ours includes V8's GC threads) — less sensitive to other jobs:", (t) => t.opsPerCpuS, (o) => o.ops_per_cpu_s)
  console.log(`\nload average ${loadavg()[0]?.toFixed(2)} at end (2-core machine shared with other jobs: figures are medians)`)
  if (sympy === undefined) return

  const verdict = (ours: (t: Timing) => number, theirs: (o: SympyOp) => number | null) =>
    ops.map((op) => {
      const sp = theirs(sympy.ops[op.name])
      return `${op.name} ${sp && ours(subset.get(op.name) as Timing) / sp >= 50 ? "met" : "NOT met"}`
    })
  console.log(`goal ≥ 50× SymPy, wall clock: ${verdict((t) => t.opsPerS, (o) => o.ops_per_s).join(", ")}`)
  console.log(`goal ≥ 50× SymPy, CPU time:   ${verdict((t) => t.opsPerCpuS, (o) => o.ops_per_cpu_s).join(", ")}`)

  console.log(`\nCross-check against SymPy${CHECK_ALL ? ", every problem" : ", the timed subset"} (check points x ∈ {${CHECK_POINTS.join(", ")}}, ${REL_TOL} relative):`)
  const listed: Array<string> = []
  for (const op of ops) {
    const ours = ((CHECK_ALL ? full : subset).get(op.name) as Timing).results
    const theirs = sympy.check[op.name]
    const counts: Record<Verdict, number> = {
      agree: 0,
      disagree: 0,
      domain: 0,
      "ill-conditioned": 0,
      undetermined: 0,
      "ours failed": 0,
      "sympy failed": 0
    }
    const lines = sets[op.kind]
    ours.forEach((o, i) => {
      const j = judge(op.name, o, theirs[i])
      counts[j.verdict]++
      if (j.verdict !== "agree")
        listed.push(
          `  [${op.name} #${i}] ${j.verdict}: ${lines[i]}\n      ours:  ${j.ours}\n      SymPy: ${theirs[i]?.text ?? theirs[i]?.error ?? "—"}` +
            (j.detail ? `\n      ${j.detail}` : "")
        )
    })
    const rest = (Object.entries(counts) as Array<[Verdict, number]>).filter(([k, v]) => k !== "agree" && v > 0)
    console.log(`  ${pad(op.name, 15)} ${counts.agree}/${ours.length} agree${rest.length ? "; " + rest.map(([k, v]) => `${v} ${k}`).join(", ") : ""}`)
  }
  if (listed.length > 0) {
    console.log(`\nNot in agreement (${listed.length}):`)
    for (const l of listed) console.log(l)
  }
}

main()
