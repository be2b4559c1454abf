/**
 * What the benches share: medians, finding PyTorch, and the result fragments.
 *
 * A full bench run writes `bench/results/<bench>.md` (committed): its table with the
 * commit, the date and the command that measured it. `npm run bench:readme`
 * (bench/readme.ts) splices each fragment into README.md between
 * `<!-- bench:<bench> -->` and `<!-- /bench:<bench> -->`, so the README quotes only
 * figures a bench printed. Smoke runs (`--smoke`) never write one.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const RESULTS_DIR = join(fileURLToPath(import.meta.url), "..", "results")

export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/**
 * A python3 that imports torch (`python3`, else Debian's `/usr/bin/python3`), or null;
 * null with GRAPHEME_BENCH_NO_TORCH=1 (what a machine without torch, as CI, runs).
 */
export const findTorch = (): string | null => {
  if (process.env["GRAPHEME_BENCH_NO_TORCH"] === "1") return null
  for (const python of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 })
    if (probe.status === 0) return python
  }
  return null
}

const git = (...args: ReadonlyArray<string>): string => {
  const r = spawnSync("git", args, { encoding: "utf8", cwd: join(RESULTS_DIR, "..", "..") })
  return r.status === 0 ? r.stdout.trim() : ""
}

/** The commit measured: the short hash, marked when src/, bench/ (but its results) or package.json had uncommitted changes. */
export const measuredCommit = (): string => {
  const head = git("rev-parse", "--short", "HEAD") || "unknown"
  const dirty = git("status", "--porcelain", "--", "src", "bench", ":!bench/results", "package.json").length > 0
  return dirty ? `${head} + uncommitted changes` : head
}

export interface HeaderOptions {
  readonly loadBefore: ReadonlyArray<number>
  readonly loadAfter: ReadonlyArray<number>
  readonly extra?: string
}

/** The npm script that runs this process (npm_lifecycle_event), else `fallback`; with the arguments after the script. */
export const commandOf = (fallback: string): string => {
  const script = process.env["npm_lifecycle_event"]
  const args = process.argv.slice(2).join(" ")
  return `npm run ${script ?? fallback}${args === "" ? "" : ` -- ${args}`}`
}

/** One line: Node, CPUs, the 1-minute load average before and after, anything else measured. */
export const benchHeader = ({ loadBefore, loadAfter, extra }: HeaderOptions): string =>
  `Node ${process.version}, ${cpus().length} CPUs, load average ${loadBefore[0]!.toFixed(2)} → ${loadAfter[0]!.toFixed(2)}` +
  (extra === undefined ? "" : `, ${extra}`)

export interface ResultFragment {
  readonly title: string
  readonly command: string
  readonly header: string
  readonly body: string
}

/** Writes bench/results/<name>.md. */
export const writeResult = (name: string, fragment: ResultFragment): string => {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = join(RESULTS_DIR, `${name}.md`)
  const date = new Date().toISOString().slice(0, 10)
  const text =
    `Measured ${date} at commit \`${measuredCommit()}\` with \`${fragment.command}\` ` +
    `(${fragment.header}).\n\n${fragment.body.trim()}\n`
  writeFileSync(file, `<!-- ${fragment.title}: written by \`${fragment.command}\`; do not edit by hand -->\n${text}`)
  console.log(`wrote ${file} (npm run bench:readme puts it in README.md)`)
  return file
}
