/**
 * Reading a training run back (SPEC §5): the human `training.log` and the
 * machine-readable `metrics.jsonl`, both into one `TrainingLog` — levels in the order
 * they were trained, each with its epochs (average loss, GED, accuracy, the logged
 * batches) and where the curriculum advanced. Pure: text in, value out, never throws.
 *
 * Our trainer's files are read with the schemas that wrote them: `metrics.jsonl` with
 * ./TrainingEvent.ts (./trainingLog/events.ts), `training.log` with ./trainingLog/lines.ts
 * (./trainingLog/ours.ts). The lenient readers are for logs other tools wrote in the
 * seed's formats (a timestamp before each line, aliases, percentages, …).
 *
 * One file per job under ./trainingLog/: records.ts (the value), lines.ts (our log's
 * lines as schemas), render.ts (the `training.log` lines of our events), ours.ts (our
 * log read back), log.ts (the lenient `training.log` reader),
 * jsonl.ts (the lenient `metrics.jsonl` reader), events.ts (our own events), builder.ts
 * (what the readers feed).
 */
import { decodeMetricsJsonl } from "./TrainingEvent.js"
import { trainingLogOfEvents } from "./trainingLog/events.js"
import { parseMetricsJsonl } from "./trainingLog/jsonl.js"
import { decodeOurLog, trainingLogOfLines } from "./trainingLog/ours.js"
import { parseTrainingLog } from "./trainingLog/log.js"
import type { TrainingLog } from "./trainingLog/records.js"

export * from "./trainingLog/records.js"
export { parseMetricsJsonl } from "./trainingLog/jsonl.js"
export { parseTrainingLog } from "./trainingLog/log.js"
export { trainingLogOfEvents } from "./trainingLog/events.js"
export { formatMetric, logLinesOf } from "./trainingLog/render.js"

/**
 * A `metrics.jsonl`: decoded as our trainer's events when every record is one of them,
 * else read leniently (a file another tool wrote).
 */
export const readMetricsJsonl = (text: string, source: string): TrainingLog => {
  const decoded = decodeMetricsJsonl(text)
  return "events" in decoded ? trainingLogOfEvents(decoded.events, source) : parseMetricsJsonl(text, { source })
}

/** A `training.log`: decoded with our line schemas when every line is one of ours, else read leniently. */
export const readTrainingLog = (text: string, source: string): TrainingLog => {
  const lines = decodeOurLog(text)
  return lines !== undefined ? trainingLogOfLines(lines, source) : parseTrainingLog(text, { source })
}

/**
 * Parses either format: JSONL when the name ends in `.jsonl`/`.ndjson` or the first
 * non-blank line starts with `{`, the human log otherwise.
 */
export const parseTrainingFile = (text: string, source: string): TrainingLog => {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "")
  const jsonl = /\.(jsonl|ndjson)$/i.test(source) || (firstLine !== undefined && firstLine.trim().startsWith("{"))
  return jsonl ? readMetricsJsonl(text, source) : readTrainingLog(text, source)
}
