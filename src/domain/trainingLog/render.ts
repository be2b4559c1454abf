/**
 * `training.log`, the seed's human format, as a rendering of the trainer's events
 * (../TrainingEvent.ts): each event is zero or more lines, each line encoded by its
 * schema in ./lines.ts (the same schemas read our log back), written in the order the
 * events come.
 *
 * ```
 * [Level 1] Epoch 1/10
 *   Batch 100/125: loss=82.6964, GED=1.0000
 *   Epoch complete: avg_loss=87.7697, GED=1.0000, accuracy=0.0000
 *   Validation: level 1 accuracy=1.0000                    (from level 2 on)
 * [Level 1] Advancing to Level 2 (accuracy 1.00 > 0.95)
 * ```
 */
import { Schema } from "effect"
import type { TrainingEvent } from "../TrainingEvent.js"
import { LogLine } from "./lines.js"

export { formatMetric } from "./lines.js"

const write = Schema.encodeSync(LogLine)

/** The `training.log` lines of one event. */
export const logLinesOf = (event: TrainingEvent): ReadonlyArray<string> => {
  switch (event._tag) {
    case "DataParallel":
      return [write({ _tag: "DataParallelLine", shards: event.shards, threads: event.threads })]
    case "DataParallelUnavailable":
      return [write({ _tag: "DataParallelUnavailableLine", reason: event.reason, shards: event.shards })]
    case "NothingToLearn":
      return [write({ _tag: "NothingToLearnLine", level: event.level, unlearnable: event.unlearnable, accuracy: event.accuracy })]
    case "SomeUnlearnable":
      return [write({ _tag: "SomeUnlearnableLine", level: event.level, learnable: event.learnable, unlearnable: event.unlearnable })]
    case "EpochStarted":
      return [write({ _tag: "EpochStartLine", level: event.level, epoch: event.epoch, epochs: event.epochs })]
    case "BatchLogged":
      return [write({ _tag: "BatchLine", batch: event.batch, batches: event.batches, loss: event.loss, ged: event.ged })]
    case "EpochCompleted": {
      const complete = write({ _tag: "EpochCompleteLine", loss: event.loss, ged: event.ged, accuracy: event.accuracy })
      const accuracies = Object.entries(event.validation).map(([level, accuracy]) => ({ level: Number(level), accuracy }))
      // The first level has no earlier level to validate: no line.
      return accuracies.length === 0 ? [complete] : [complete, write({ _tag: "ValidationLine", accuracies })]
    }
    case "Advanced":
      return [write({ _tag: "AdvanceLine", level: event.level, to: event.to, accuracy: event.accuracy, threshold: event.threshold })]
    case "EarlyStopped":
      return [write({ _tag: "EarlyStopLine", level: event.level, stale: event.stale, accuracy: event.accuracy })]
    case "OutOfEpochs":
      return [write({ _tag: "OutOfEpochsLine", level: event.level, accuracy: event.accuracy, threshold: event.threshold })]
    case "Interrupted":
      return [write({ _tag: "InterruptedLine", level: event.level, epoch: event.epoch, batch: event.batch, batches: event.batches })]
  }
}
