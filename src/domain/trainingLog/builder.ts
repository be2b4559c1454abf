/**
 * What both readers feed: numbers as the logs write them, `key=value` pairs, and the
 * builder that gathers levels, epochs, batches and issues into a `TrainingLog`.
 */
import type { Advance, BatchRecord, EpochRecord, LevelAccuracy, LevelRecord, LogIssue, TrainingLog } from "./records.js"

// ---------------------------------------------------------------------------------------
// Numbers and key=value pairs

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$/
const NON_FINITE = /^[-+]?(?:nan|inf|infinity)$/i

type NumberParse = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly why: string }

export const parseNumber = (text: string): NumberParse => {
  if (NUMBER.test(text)) {
    const percent = text.endsWith("%")
    const value = Number(percent ? text.slice(0, -1) : text)
    return { ok: true, value: percent ? value / 100 : value }
  }
  if (NON_FINITE.test(text)) return { ok: false, why: "non-finite" }
  return { ok: false, why: "bad" }
}

/** `key=value` pairs of a line; keys lower-cased, values as written (up to a separator). */
export const keyValues = (text: string): Map<string, string> => {
  const pairs = new Map<string, string>()
  for (const m of text.matchAll(/([A-Za-z_][\w.]*)\s*=\s*([^\s,;()\]]+)/g)) pairs.set(m[1]!.toLowerCase(), m[2]!)
  return pairs
}

// ---------------------------------------------------------------------------------------
// The builder both formats feed

export interface MutableEpoch {
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

export class Builder {
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

export const addValidation = (e: MutableEpoch, level: number, accuracy: number) => {
  e.validation = [...e.validation.filter((v) => v.level !== level), { level, accuracy }].sort((a, b) => a.level - b.level)
}
