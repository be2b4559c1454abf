/**
 * Reading a training run back (SPEC §5): the human `training.log` and the
 * machine-readable `metrics.jsonl`, both into one `TrainingLog` — levels in the order
 * they were trained, each with its epochs (average loss, GED, accuracy, the logged
 * batches) and where the curriculum advanced. Pure: text in, value out, never throws.
 *
 * One file per job under ./trainingLog/: records.ts (the value), log.ts (the
 * `training.log` format and its reader), jsonl.ts (`metrics.jsonl`), builder.ts (what
 * both feed).
 */
import { parseMetricsJsonl } from "./trainingLog/jsonl.js"
import { parseTrainingLog } from "./trainingLog/log.js"
import type { TrainingLog } from "./trainingLog/records.js"

export * from "./trainingLog/records.js"
export { parseMetricsJsonl } from "./trainingLog/jsonl.js"
export { parseTrainingLog } from "./trainingLog/log.js"

/**
 * Parses either format: JSONL when the name ends in `.jsonl`/`.ndjson` or the first
 * non-blank line starts with `{`, the human log otherwise.
 */
export const parseTrainingFile = (text: string, source: string): TrainingLog => {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "")
  const jsonl = /\.(jsonl|ndjson)$/i.test(source) || (firstLine !== undefined && firstLine.trim().startsWith("{"))
  return jsonl ? parseMetricsJsonl(text, { source }) : parseTrainingLog(text, { source })
}
