/**
 * A `TrainingLog` from the trainer's own events (decoded from `metrics.jsonl` with the
 * schema that wrote it, ../TrainingEvent.ts): no text is parsed here. What an event
 * means for the chart is what the lenient reader (./jsonl.ts) makes of the same record.
 */
import type { EventAt } from "../TrainingEvent.js"
import { addValidation, Builder } from "./builder.js"
import type { TrainingLog } from "./records.js"

export const trainingLogOfEvents = (events: ReadonlyArray<EventAt>, source: string): TrainingLog => {
  const b = new Builder()
  for (const { line, event } of events) {
    switch (event._tag) {
      case "BatchLogged": {
        // A batch of an epoch already complete starts it afresh (a resumed run appending to the file).
        const e = b.epoch(event.level, event.epoch, line, true)
        e.batches.push({ batch: event.batch, of: event.batches, loss: event.loss, ged: event.ged, line })
        break
      }
      case "EpochCompleted": {
        const e = b.epoch(event.level, event.epoch, line, false)
        e.of = event.epochs
        e.avgLoss = event.loss
        e.ged = event.ged
        e.accuracy = event.accuracy
        for (const [level, accuracy] of Object.entries(event.validation)) addValidation(e, Number(level), accuracy)
        e.complete = true
        break
      }
      case "Advanced":
        b.levelOf(event.level).advancedAt = { epoch: event.epoch, toLevel: event.to, accuracy: event.accuracy, threshold: event.threshold, line }
        break
      default:
        // A level with nothing to learn has no epoch to plot; the other events are the log's only.
        break
    }
  }
  return b.finish(source, "jsonl")
}
