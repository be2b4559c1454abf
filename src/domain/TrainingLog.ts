/**
 * Reading a training run back (SPEC §5): the human `training.log` and the
 * machine-readable `metrics.jsonl`, both into one `TrainingLog` — levels in the order
 * they were trained, each with its epochs (average loss, GED, accuracy, the logged
 * batches) and where the curriculum advanced. Pure: text in, value out, never throws.
 *
 * ## training.log
 *
 * ```
 * [Level 1] Epoch 1/10
 *   Batch 100/156: loss=0.234, GED=0.45
 *   Batch 156/156: loss=0.189, GED=0.38
 *   Epoch complete: avg_loss=0.201, accuracy=0.87
 *   Validation: level 1 accuracy=0.97, level 2 accuracy=0.41
 * [Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)
 * ```
 *
 * - A line is recognised by what it contains, wherever it starts (a timestamp or a
 *   logger prefix before it is fine): `[Level N]` sets the current level; `Epoch E/M`
 *   (or `Epoch E`) starts epoch E; `Batch B/N:` is a batch; `Epoch complete:` closes
 *   the epoch; `Validation:` lists `level L accuracy=A` pairs; `Advancing to Level N`
 *   marks the level change. Every other line is skipped.
 * - Metrics are `key=value` pairs, keys case-insensitive: `avg_loss` (or `loss`),
 *   `GED`, `accuracy` (or `acc`). Values are decimal numbers, exponent form allowed
 *   (`1.5e-3`), a trailing `%` divides by 100. `nan`/`inf` are reported and dropped.
 *   Metrics on the `Epoch E/M` line itself count like those of `Epoch complete`.
 * - An epoch's GED is the `GED=` of its epoch line, else the mean of its batches' GEDs;
 *   its loss is `avg_loss`, else (an epoch still running) the mean of its batch losses.
 * - Lines before any `[Level N]` belong to level 1. An epoch that starts again after it
 *   was completed (a resumed run) replaces the earlier one.
 * - A recognised line that lacks what it should carry is an issue with its line number
 *   (`training.log:17: "Epoch complete" line without avg_loss`); parsing goes on.
 *
 * ## metrics.jsonl
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

/** A logged batch (the trainer logs every k-th batch, not all of them). */
export interface BatchRecord {
  readonly batch: number
  readonly of?: number
  readonly loss?: number
  readonly ged?: number
  readonly line: number
}

/** Accuracy on an earlier (or the current) level's validation set, measured at an epoch's end. */
export interface LevelAccuracy {
  readonly level: number
  readonly accuracy: number
}

export interface EpochRecord {
  readonly epoch: number
  /** The planned number of epochs of the level (`Epoch 3/10` → 10). */
  readonly of?: number
  readonly avgLoss?: number
  /** `"epoch"`: the epoch line's own figure; `"batches"`: the mean of the logged batches. */
  readonly lossFrom?: "epoch" | "batches"
  readonly ged?: number
  readonly gedFrom?: "epoch" | "batches"
  readonly accuracy?: number
  readonly validation: ReadonlyArray<LevelAccuracy>
  readonly batches: ReadonlyArray<BatchRecord>
  /** The epoch was closed by an `Epoch complete` line (an epoch record in JSONL). */
  readonly complete: boolean
  /** Where the epoch starts in the file (1-based). */
  readonly line: number
}

export interface Advance {
  /** The epoch (of this level) after which the curriculum moved on. */
  readonly epoch: number
  readonly toLevel?: number
  readonly accuracy?: number
  readonly threshold?: number
  readonly line: number
}

export interface LevelRecord {
  readonly level: number
  /** In epoch order; only epochs with at least one of loss, GED, accuracy. */
  readonly epochs: ReadonlyArray<EpochRecord>
  readonly advancedAt?: Advance
}

/** A recognised line that is malformed; `line` is 1-based. */
export interface LogIssue {
  readonly line: number
  readonly message: string
}

export interface TrainingLog {
  /** The file name used in issue messages. */
  readonly source: string
  readonly format: "log" | "jsonl"
  /** In the order the levels first appear. */
  readonly levels: ReadonlyArray<LevelRecord>
  readonly issues: ReadonlyArray<LogIssue>
}

export interface ParseOptions {
  /** Names the file in issue messages (default `training.log` / `metrics.jsonl`). */
  readonly source?: string
}

/** `training.log:17: "Epoch complete" line without avg_loss` */
export const formatIssue = (source: string, issue: LogIssue): string => `${source}:${issue.line}: ${issue.message}`

export const epochCount = (log: TrainingLog): number => log.levels.reduce((n, l) => n + l.epochs.length, 0)

// ---------------------------------------------------------------------------------------
// Numbers and key=value pairs

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$/
const NON_FINITE = /^[-+]?(?:nan|inf|infinity)$/i

type NumberParse = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly why: string }

const parseNumber = (text: string): NumberParse => {
  if (NUMBER.test(text)) {
    const percent = text.endsWith("%")
    const value = Number(percent ? text.slice(0, -1) : text)
    return { ok: true, value: percent ? value / 100 : value }
  }
  if (NON_FINITE.test(text)) return { ok: false, why: "non-finite" }
  return { ok: false, why: "bad" }
}

/** `key=value` pairs of a line; keys lower-cased, values as written (up to a separator). */
const keyValues = (text: string): Map<string, string> => {
  const pairs = new Map<string, string>()
  for (const m of text.matchAll(/([A-Za-z_][\w.]*)\s*=\s*([^\s,;()\]]+)/g)) pairs.set(m[1]!.toLowerCase(), m[2]!)
  return pairs
}

// ---------------------------------------------------------------------------------------
// The builder both formats feed

interface MutableEpoch {
  epoch: number
  of: number | undefined
  avgLoss: number | undefined
  ged: number | undefined
  accuracy: number | undefined
  validation: Array<LevelAccuracy>
  batches: Array<BatchRecord>
  complete: boolean
  line: number
}

interface MutableLevel {
  level: number
  epochs: Map<number, MutableEpoch>
  advancedAt: Advance | undefined
}

class Builder {
  readonly levels = new Map<number, MutableLevel>()
  readonly issues: Array<LogIssue> = []

  issue(line: number, message: string): void {
    this.issues.push({ line, message })
  }

  levelOf(level: number): MutableLevel {
    let l = this.levels.get(level)
    if (l === undefined) {
      l = { level, epochs: new Map(), advancedAt: undefined }
      this.levels.set(level, l)
    }
    return l
  }

  /** The record of (level, epoch); a fresh one when `restart` and the old one was complete. */
  epoch(level: number, epoch: number, line: number, restart: boolean): MutableEpoch {
    const l = this.levelOf(level)
    const old = l.epochs.get(epoch)
    if (old !== undefined && !(restart && old.complete)) return old
    const e: MutableEpoch = {
      epoch,
      of: undefined,
      avgLoss: undefined,
      ged: undefined,
      accuracy: undefined,
      validation: [],
      batches: [],
      complete: false,
      line
    }
    // A resumed run re-logs this epoch: it replaces the old record, and its advance too.
    if (old !== undefined && l.advancedAt !== undefined && l.advancedAt.epoch >= epoch) l.advancedAt = undefined
    l.epochs.delete(epoch)
    l.epochs.set(epoch, e)
    return e
  }

  /** A finite number, or undefined with an issue naming the key. */
  number(line: number, key: string, text: string | undefined): number | undefined {
    if (text === undefined) return undefined
    const n = parseNumber(text)
    if (n.ok) return n.value
    this.issue(line, n.why === "non-finite" ? `${key} is ${text} (dropped)` : `bad number "${text}" for ${key}`)
    return undefined
  }

  finish(source: string, format: "log" | "jsonl"): TrainingLog {
    const mean = (xs: ReadonlyArray<number>) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length)
    const levels: Array<LevelRecord> = []
    for (const l of this.levels.values()) {
      const epochs: Array<EpochRecord> = []
      for (const e of [...l.epochs.values()].sort((a, b) => a.epoch - b.epoch)) {
        const batchLoss = mean(e.batches.flatMap((b) => (b.loss === undefined ? [] : [b.loss])))
        const batchGed = mean(e.batches.flatMap((b) => (b.ged === undefined ? [] : [b.ged])))
        const avgLoss = e.avgLoss ?? batchLoss
        const ged = e.ged ?? batchGed
        const accuracy = e.accuracy ?? e.validation.find((v) => v.level === l.level)?.accuracy
        if (avgLoss === undefined && ged === undefined && accuracy === undefined) continue
        epochs.push({
          epoch: e.epoch,
          ...(e.of !== undefined ? { of: e.of } : {}),
          ...(avgLoss !== undefined ? { avgLoss, lossFrom: e.avgLoss !== undefined ? ("epoch" as const) : ("batches" as const) } : {}),
          ...(ged !== undefined ? { ged, gedFrom: e.ged !== undefined ? ("epoch" as const) : ("batches" as const) } : {}),
          ...(accuracy !== undefined ? { accuracy } : {}),
          validation: e.validation,
          batches: e.batches,
          complete: e.complete,
          line: e.line
        })
      }
      if (epochs.length === 0 && l.advancedAt === undefined) continue
      levels.push({ level: l.level, epochs, ...(l.advancedAt !== undefined ? { advancedAt: l.advancedAt } : {}) })
    }
    const issues = [...this.issues].sort((a, b) => a.line - b.line)
    return { source, format, levels, issues }
  }
}

// ---------------------------------------------------------------------------------------
// training.log

const LEVEL_TAG = /\[\s*Level\s+(\d+)\s*\]/i
const ADVANCING = /\bAdvanc\w*\s+to\s+Level\s+(\d+)/i
const EPOCH_COMPLETE = /\bEpoch\s+complete\b/i
/** `Epoch E/M` at the start of a line or right after a `]` (`[Level 1] Epoch 3/10`), not "saved at epoch 3". */
const EPOCH_START = /(?:^\s*|\]\s*)Epoch\s+(\d+)(?:\s*\/\s*(\d+))?/i
const BATCH = /\bBatch\s+(\d+)(?:\s*\/\s*(\d+))?\s*:/i
const VALIDATION = /\bValidation\b/i
const NUM = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?|[-+]?(?:nan|inf|infinity)\b)`
const ADVANCE_ACCURACY = new RegExp(String.raw`acc(?:uracy)?\s*[=:]?\s*` + NUM, "i")
const ADVANCE_THRESHOLD = new RegExp(String.raw`(?:>=|≥|>|\bthreshold\s*[=:]?)\s*` + NUM, "i")
/** `level 1 accuracy=0.97`, `level_1_accuracy=0.97`, `level 1: acc=0.97`. */
const VALIDATION_PAIR = new RegExp(String.raw`\blevel[\s_]*(\d+)[\s_:]*acc(?:uracy)?\s*[=:]\s*` + NUM, "gi")

const pick = (kv: Map<string, string>, ...keys: ReadonlyArray<string>): [string, string] | undefined => {
  for (const k of keys) {
    const v = kv.get(k)
    if (v !== undefined) return [k, v]
  }
  return undefined
}

/** Parses the human `training.log` format (see the module comment). */
export const parseTrainingLog = (text: string, options: ParseOptions = {}): TrainingLog => {
  const b = new Builder()
  let level = 1
  let current: MutableEpoch | undefined
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1
    const raw = lines[i]!
    const levelTag = LEVEL_TAG.exec(raw)
    if (levelTag !== null) {
      const n = Number(levelTag[1])
      if (n !== level) current = undefined
      level = n
    }

    const advancing = ADVANCING.exec(raw)
    // "Not advancing to Level 3 (accuracy 0.91 < 0.95)" is no level change: skipped.
    if (advancing !== null && !/\bnot\s+$/i.test(raw.slice(0, advancing.index))) {
      const rest = raw.slice(advancing.index + advancing[0].length)
      const l = b.levelOf(level)
      const last = [...l.epochs.values()].reduce<MutableEpoch | undefined>(
        (m, e) => (m === undefined || e.epoch > m.epoch ? e : m),
        undefined
      )
      if (last === undefined) {
        b.issue(line, `"Advancing" line before any epoch of level ${level}`)
        continue
      }
      const acc = ADVANCE_ACCURACY.exec(rest)
      const thr = ADVANCE_THRESHOLD.exec(acc === null ? rest : rest.slice(acc.index + acc[0].length))
      const accuracy = b.number(line, "accuracy", acc?.[1])
      const threshold = b.number(line, "threshold", thr?.[1])
      l.advancedAt = {
        epoch: last.epoch,
        toLevel: Number(advancing[1]),
        ...(accuracy !== undefined ? { accuracy } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        line
      }
      current = undefined
      continue
    }

    if (EPOCH_COMPLETE.test(raw)) {
      if (current === undefined) {
        b.issue(line, `"Epoch complete" line outside an epoch (no "Epoch N/M" line before it)`)
        continue
      }
      epochMetrics(b, current, raw, line, "Epoch complete")
      current.complete = true
      continue
    }

    const start = EPOCH_START.exec(raw)
    if (start !== null) {
      const n = Number(start[1])
      if (n < 1) {
        b.issue(line, `epoch number ${start[1]} (epochs count from 1)`)
        continue
      }
      const batchToo = BATCH.test(raw)
      // `Epoch 3/10 Batch 100/156: loss=…` (one progress line per batch) continues epoch 3.
      current = batchToo && current?.epoch === n ? current : b.epoch(level, n, line, true)
      if (start[2] !== undefined) current.of = Number(start[2])
      if (batchToo) {
        addBatch(b, current, raw, line)
        continue
      }
      const kv = keyValues(raw.slice(start.index + start[0].length))
      if (pick(kv, "avg_loss", "loss", "ged", "accuracy", "acc") !== undefined) {
        epochMetrics(b, current, raw, line, "Epoch")
        if (/\bcomplete\b/i.test(raw)) current.complete = true
      }
      continue
    }

    const batch = BATCH.exec(raw)
    if (batch !== null) {
      if (current === undefined) {
        b.issue(line, `"Batch" line outside an epoch (no "Epoch N/M" line before it)`)
        continue
      }
      addBatch(b, current, raw, line)
      continue
    }

    if (VALIDATION.test(raw) && /acc/i.test(raw)) {
      if (current === undefined) {
        b.issue(line, `"Validation" line outside an epoch`)
        continue
      }
      let found = 0
      for (const m of raw.matchAll(VALIDATION_PAIR)) {
        found++
        const accuracy = b.number(line, `level ${m[1]} accuracy`, m[2])
        if (accuracy !== undefined) addValidation(current, Number(m[1]), accuracy)
      }
      const own = found === 0 ? pick(keyValues(raw), "accuracy", "acc", "val_accuracy") : undefined
      if (own !== undefined) {
        // `Validation: accuracy=0.93` is the current level's.
        const accuracy = b.number(line, own[0], own[1])
        if (accuracy !== undefined) addValidation(current, level, accuracy)
      } else if (found === 0) b.issue(line, `"Validation" line without "level N accuracy=A" pairs`)
    }
  }
  return b.finish(options.source ?? "training.log", "log")
}

const addBatch = (b: Builder, e: MutableEpoch, raw: string, line: number) => {
  const batch = BATCH.exec(raw)!
  const kv = keyValues(raw.slice(batch.index + batch[0].length))
  const lossKv = pick(kv, "loss", "avg_loss")
  const loss = lossKv === undefined ? undefined : b.number(line, lossKv[0], lossKv[1])
  const ged = b.number(line, "GED", kv.get("ged"))
  if (lossKv === undefined && kv.get("ged") === undefined) b.issue(line, `"Batch" line without loss or GED`)
  e.batches.push({
    batch: Number(batch[1]),
    ...(batch[2] !== undefined ? { of: Number(batch[2]) } : {}),
    ...(loss !== undefined ? { loss } : {}),
    ...(ged !== undefined ? { ged } : {}),
    line
  })
}

const addValidation = (e: MutableEpoch, level: number, accuracy: number) => {
  e.validation = [...e.validation.filter((v) => v.level !== level), { level, accuracy }].sort((a, b) => a.level - b.level)
}

const epochMetrics = (b: Builder, e: MutableEpoch, raw: string, line: number, what: string) => {
  const kv = keyValues(raw)
  const lossKv = pick(kv, "avg_loss", "loss")
  if (lossKv === undefined) b.issue(line, `"${what}" line without avg_loss`)
  else {
    const v = b.number(line, lossKv[0], lossKv[1])
    if (v !== undefined) e.avgLoss = v
  }
  const ged = b.number(line, "GED", kv.get("ged"))
  if (ged !== undefined) e.ged = ged
  const accKv = pick(kv, "accuracy", "acc")
  if (accKv !== undefined) {
    const v = b.number(line, accKv[0], accKv[1])
    if (v !== undefined) e.accuracy = v
  }
}

// ---------------------------------------------------------------------------------------
// metrics.jsonl

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

/**
 * Parses either format: JSONL when the name ends in `.jsonl`/`.ndjson` or the first
 * non-blank line starts with `{`, the human log otherwise.
 */
export const parseTrainingFile = (text: string, source: string): TrainingLog => {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "")
  const jsonl = /\.(jsonl|ndjson)$/i.test(source) || (firstLine !== undefined && firstLine.trim().startsWith("{"))
  return jsonl ? parseMetricsJsonl(text, { source }) : parseTrainingLog(text, { source })
}
