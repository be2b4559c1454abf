/**
 * Reading the machine-readable `metrics.jsonl`:
 *
 * One JSON object per line (blank lines skipped, unknown fields ignored):
 *
 * ```
 * {"level":1,"epoch":1,"batch":100,"batches":156,"loss":0.234,"ged":0.45}           ← a batch
 * {"level":1,"epoch":1,"epochs":10,"loss":0.201,"ged":0.38,"accuracy":0.87,
 *  "validation":{"1":0.97,"2":0.41}}                                             ← an epoch
 * {"event":"advance","level":1,"to":2,"epoch":1,"accuracy":0.96,"threshold":0.95} ← level change
 * ```
 *
 * `level` and `epoch` (positive integers) are required on every record. A record with
 * `batch` is a batch, one without is an epoch summary; `event` (or `type`) may say so
 * explicitly: `"batch"`, `"epoch"`, `"advance"`; other events are skipped. Aliases:
 * `avg_loss` for `loss`, `GED` for `ged`, `acc` for `accuracy`, `to_level` for `to`.
 * `validation` is an object `{"<level>": accuracy}` or an array of `{level, accuracy}`.
 * Numbers may be `null` (absent).
 */
import { addValidation, Builder } from "./builder.js"
import type { ParseOptions, TrainingLog } from "./records.js"

const isPositiveInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 1

/** Parses `metrics.jsonl` (see the module comment for the record shape). */
export const parseMetricsJsonl = (text: string, options: ParseOptions = {}): TrainingLog => {
  const b = new Builder()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1
    const raw = lines[i]!.trim()
    if (raw === "") continue
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      b.issue(line, "not valid JSON")
      continue
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      b.issue(line, "not a JSON object")
      continue
    }
    const r = value as Record<string, unknown>
    const event = typeof r["event"] === "string" ? r["event"] : typeof r["type"] === "string" ? r["type"] : undefined
    if (event !== undefined && !["batch", "epoch", "advance"].includes(event)) continue
    if (!isPositiveInt(r["level"])) {
      b.issue(line, `record without a positive integer "level"`)
      continue
    }
    if (!isPositiveInt(r["epoch"])) {
      b.issue(line, `record without a positive integer "epoch"`)
      continue
    }
    const level = r["level"]
    const epoch = r["epoch"]
    const num = (...keys: ReadonlyArray<string>): number | undefined => {
      for (const k of keys) {
        if (!(k in r) || r[k] === null) continue
        const v = r[k]
        if (typeof v === "number" && Number.isFinite(v)) return v
        if (typeof v === "string") return b.number(line, k, v.trim())
        b.issue(line, `"${k}" is not a number`)
        return undefined
      }
      return undefined
    }
    const kind = event ?? ("batch" in r && r["batch"] !== null ? "batch" : "epoch")

    if (kind === "advance") {
      const l = b.levelOf(level)
      const to = num("to", "to_level")
      const accuracy = num("accuracy", "acc")
      const threshold = num("threshold")
      l.advancedAt = {
        epoch,
        ...(to !== undefined ? { toLevel: to } : {}),
        ...(accuracy !== undefined ? { accuracy } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        line
      }
      continue
    }
    if (kind === "batch") {
      const batch = r["batch"]
      if (!isPositiveInt(batch)) {
        b.issue(line, `batch record without a positive integer "batch"`)
        continue
      }
      const e = b.epoch(level, epoch, line, true)
      const of = num("batches", "of")
      const loss = num("loss", "avg_loss")
      const ged = num("ged", "GED")
      if (loss === undefined && ged === undefined) b.issue(line, `batch record without loss or ged`)
      e.batches.push({
        batch,
        ...(of !== undefined ? { of } : {}),
        ...(loss !== undefined ? { loss } : {}),
        ...(ged !== undefined ? { ged } : {}),
        line
      })
      continue
    }
    const e = b.epoch(level, epoch, line, false)
    const of = num("epochs", "of")
    if (of !== undefined) e.of = of
    const loss = num("loss", "avg_loss")
    if (loss === undefined) b.issue(line, `epoch record without loss`)
    else e.avgLoss = loss
    const ged = num("ged", "GED")
    if (ged !== undefined) e.ged = ged
    const accuracy = num("accuracy", "acc")
    if (accuracy !== undefined) e.accuracy = accuracy
    const validation = r["validation"]
    if (validation !== undefined && validation !== null) {
      const pairs: Array<[unknown, unknown]> = Array.isArray(validation)
        ? validation.map((v) => (typeof v === "object" && v !== null ? [(v as Record<string, unknown>)["level"], (v as Record<string, unknown>)["accuracy"]] : [undefined, undefined]))
        : typeof validation === "object"
        ? Object.entries(validation).map(([k, v]) => [Number(k), v])
        : []
      for (const [l, a] of pairs) {
        if (isPositiveInt(l) && typeof a === "number" && Number.isFinite(a)) addValidation(e, l, a)
        else b.issue(line, `"validation" entry is not a level with an accuracy`)
      }
    }
    e.complete = true
  }
  return b.finish(options.source ?? "metrics.jsonl", "jsonl")
}
