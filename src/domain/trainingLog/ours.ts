/**
 * Our own `training.log` read back with the schemas that wrote it (./lines.ts): every
 * non-blank line must decode as one of our lines, else the log is someone else's (and
 * ./log.ts reads it leniently). What a line means for the chart is what the lenient
 * reader makes of it.
 */
import { Option, Schema } from "effect"
import { addValidation, Builder, type MutableEpoch } from "./builder.js"
import { LogLine } from "./lines.js"
import type { TrainingLog } from "./records.js"

const decodeLine = Schema.decodeUnknownOption(LogLine)

/** The lines of our log with their 1-based numbers, or undefined when a line is not one of ours. */
export const decodeOurLog = (text: string): ReadonlyArray<{ readonly line: number; readonly value: LogLine }> | undefined => {
  const out: Array<{ line: number; value: LogLine }> = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string
    if (raw.trim() === "") continue
    const value = decodeLine(raw)
    if (Option.isNone(value)) return undefined
    out.push({ line: i + 1, value: value.value })
  }
  return out
}

/** The chart's view of our log's lines: epochs by their start lines, batches, results and validation in them, advances. */
export const trainingLogOfLines = (lines: ReadonlyArray<{ readonly line: number; readonly value: LogLine }>, source: string): TrainingLog => {
  const b = new Builder()
  let current: MutableEpoch | undefined
  for (const { line, value } of lines) {
    switch (value._tag) {
      case "EpochStartLine":
        // An epoch that starts again after it completed (a resumed run) replaces the earlier one.
        current = b.epoch(value.level, value.epoch, line, true)
        current.of = value.epochs
        break
      case "BatchLine":
        current?.batches.push({ batch: value.batch, of: value.batches, loss: value.loss, ged: value.ged, line })
        break
      case "EpochCompleteLine":
        if (current === undefined) break
        current.avgLoss = value.loss
        current.ged = value.ged
        current.accuracy = value.accuracy
        current.complete = true
        break
      case "ValidationLine":
        if (current !== undefined) for (const { level, accuracy } of value.accuracies) addValidation(current, level, accuracy)
        break
      case "AdvanceLine": {
        const level = b.levelOf(value.level)
        const last = [...level.epochs.values()].reduce<MutableEpoch | undefined>((m, e) => (m === undefined || e.epoch > m.epoch ? e : m), undefined)
        if (last !== undefined) level.advancedAt = { epoch: last.epoch, toLevel: value.to, accuracy: value.accuracy, threshold: value.threshold, line }
        current = undefined
        break
      }
      default:
        // The other lines (threads, stops, interrupts, skipped levels) are not drawn.
        break
    }
  }
  return b.finish(source, "log")
}
