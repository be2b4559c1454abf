/** Plain-text reports of generation and validation (what the CLI prints). */
import type { GenerateProgress, GenerateSummary, ValidationReport } from "../../services/Generator.js"

/** A left/right aligned text table; numbers are right-aligned. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): string => {
  const cells = [header.map(String), ...rows.map((r) => r.map(String))]
  const widths = header.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? "").length)))
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === "number"))
  const line = (r: ReadonlyArray<string>) =>
    r.map((c, j) => (numeric[j] ? c.padStart(widths[j] as number) : c.padEnd(widths[j] as number))).join("  ").trimEnd()
  return [line(cells[0] as Array<string>), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n")
}

const duration = (s: number): string =>
  !Number.isFinite(s) ? "?" : s < 60 ? `${s.toFixed(0)}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${(s / 3600).toFixed(1)}h`

/** One progress line: level, examples written, rate, ETA. */
export const progressLine = (p: GenerateProgress): string => {
  const seconds = p.elapsedMs / 1000
  const rate = seconds > 0 ? p.written / seconds : 0
  const eta = rate > 0 ? (p.target - p.written) / rate : Infinity
  const pct = p.target > 0 ? (100 * p.written) / p.target : 100
  return `level ${p.level}: ${p.levelWritten}/${p.levelTarget} · total ${p.written}/${p.target} (${pct.toFixed(1)}%) · ${rate.toFixed(0)} examples/s · ETA ${duration(eta)}`
}

export const formatGenerateSummary = (s: GenerateSummary): string => {
  const rows = s.levels.map((l) => [
    l.level,
    l.name,
    l.written,
    l.splits.train,
    l.splits.val,
    l.splits.test,
    l.rejected,
    l.duplicates,
    l.candidates,
    Number((l.written / Math.max(l.seconds, 1e-3)).toFixed(0)),
    l.seconds.toFixed(1)
  ])
  const total = s.levels.reduce((a, l) => a + l.written, 0)
  const out = [
    table(["level", "name", "written", "train", "val", "test", "rejected", "duplicates", "candidates", "ex/s", "s"], rows),
    `${total} examples in ${s.seconds.toFixed(1)}s (${(total / Math.max(s.seconds, 1e-3)).toFixed(0)} examples/s) · seed ${s.seed} · ${s.threads} thread${s.threads === 1 ? "" : "s"}` +
      (s.shard.count > 1 ? ` · shard ${s.shard.index}/${s.shard.count}` : "") +
      ` · ${s.output}`
  ]
  const rejected = s.levels.filter((l) => l.rejected > 0)
  for (const l of rejected)
    for (const [category, n] of Object.entries(l.rejections))
      out.push(`  level ${l.level} rejected ${n} × ${category}, e.g. ${(l.rejectionExamples[category] ?? "").slice(0, 160)}`)
  return out.join("\n")
}

export const formatValidationReport = (r: ValidationReport): string => {
  const rows = r.levels.map((l) => [
    l.level === 0 ? "?" : l.level,
    l.name ?? (l.level === 0 ? "(unreadable)" : "(no plugin)"),
    l.lines,
    l.splits.train,
    l.splits.val,
    l.splits.test,
    l.splits.none,
    l.ok,
    l.schema,
    l.wrong,
    l.offspec,
    l.duplicates,
    l.leaked
  ])
  const sum = (k: "schema" | "wrong" | "offspec" | "duplicates" | "leaked") => r.levels.reduce((a, l) => a + l[k], 0)
  const out = [
    table(["level", "name", "lines", "train", "val", "test", "other", "ok", "schema", "wrong", "off-spec", "duplicates", "leaked"], rows),
    `${r.lines} lines in ${r.files.length} file${r.files.length === 1 ? "" : "s"} checked in ${r.seconds.toFixed(1)}s: ` +
      `${sum("schema") + sum("wrong") + sum("offspec")} failures (${sum("schema")} schema, ${sum("wrong")} wrong, ${sum("offspec")} off-spec), ` +
      `${sum("duplicates")} duplicates, ${sum("leaked")} leaked inputs`
  ]
  if (r.problems.length > 0) {
    out.push("", `problems${r.problemCount > r.problems.length ? ` (first ${r.problems.length} of ${r.problemCount})` : ""}:`)
    for (const p of r.problems)
      out.push(`  ${p.file}:${p.line}: [${p.kind}]${p.field !== undefined ? ` field ${p.field}:` : ""} ${p.message}`)
  }
  const unknown = r.levels.filter((l) => l.name === undefined && l.level !== 0)
  if (unknown.length > 0)
    out.push(`note: no plugin for level ${unknown.map((l) => l.level).join(", ")}: checked generically (answers, verification), not against a level specification`)
  return out.join("\n")
}
