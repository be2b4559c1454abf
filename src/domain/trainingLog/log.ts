/**
 * Reading the human `training.log`:
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
 */
import { addValidation, Builder, keyValues, type MutableEpoch } from "./builder.js"
import type { ParseOptions, TrainingLog } from "./records.js"

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
