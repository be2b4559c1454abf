/**
 * The speed of each CPU on its own: the same floating-point loop pinned to one CPU at a
 * time (taskset), alternating, `--runs` times. On a virtual machine one CPU can run
 * slower than the other for a while (another guest on the same core); a data-parallel
 * step waits for its slowest shard, so this bounds what a second thread can give.
 * Not part of `npm test`:
 *
 *   npx tsx bench/cpus.ts [--runs 5]
 *   npx tsx bench/cpus.ts --smoke     one short run (npm test runs it)
 */
import { execFileSync } from "node:child_process"
import * as os from "node:os"

const argv = process.argv.slice(2)
const runsAt = argv.indexOf("--runs")
const smoke = argv.includes("--smoke")
const runs = smoke ? 1 : runsAt >= 0 ? Number(argv[runsAt + 1]) : 5
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer")

// Inside a function: V8 optimizes it (top-level code of -e much less).
const loop = `(() => { const a = new Float64Array(1 << 14).map((_, i) => i); let x = 0; const t = performance.now();
for (let r = 0; r < ${smoke ? 200 : 40000}; r++) for (let i = 0; i < a.length; i++) x += a[i] * 1.0000001;
process.stdout.write(String((performance.now() - t) / 1000) + (x > 0 ? "" : " ")) })()`

const cpus = os.cpus().length
const seconds: Array<Array<number>> = Array.from({ length: cpus }, () => [])
for (let run = 0; run < runs; run++)
  for (let cpu = 0; cpu < cpus; cpu++)
    seconds[cpu]!.push(Number(execFileSync("taskset", ["-c", String(cpu), process.execPath, "-e", loop], { encoding: "utf8" })))
seconds.forEach((s, cpu) => console.log(`cpu ${cpu}: ${s.map((x) => x.toFixed(2)).join(" ")} s`))
