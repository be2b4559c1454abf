/**
 * `training.log`, the seed's human format, as a rendering of the trainer's events
 * (../TrainingEvent.ts): each event is zero or more lines, written in the order the
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
import type { TrainingEvent } from "../TrainingEvent.js"

/** A loss or GED: four decimals, or three significant digits in exponent form below 1e-3. */
export const formatMetric = (x: number): string => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3))

const accuracy4 = (x: number) => x.toFixed(4)
const accuracy2 = (x: number) => x.toFixed(2)

/** The `training.log` lines of one event. */
export const logLinesOf = (event: TrainingEvent): ReadonlyArray<string> => {
  switch (event._tag) {
    case "DataParallel":
      return [`Data-parallel steps: ${event.shards} shards per batch on ${event.threads} threads`]
    case "DataParallelUnavailable":
      return [`Data-parallel steps unavailable (${event.reason}); computing the ${event.shards} shards on one thread`]
    case "NothingToLearn":
      return [
        `[Level ${event.level}] The brain cannot learn from any of the ${event.unlearnable} training examples (no input or output for them): no epochs, validation accuracy=${accuracy4(event.accuracy)}`
      ]
    case "SomeUnlearnable":
      return [`[Level ${event.level}] Training on ${event.learnable} examples; ${event.unlearnable} do not fit the brain's inputs or outputs`]
    case "EpochStarted":
      return [`[Level ${event.level}] Epoch ${event.epoch}/${event.epochs}`]
    case "BatchLogged":
      return [`  Batch ${event.batch}/${event.batches}: loss=${formatMetric(event.loss)}, GED=${formatMetric(event.ged)}`]
    case "EpochCompleted": {
      const complete = `  Epoch complete: avg_loss=${formatMetric(event.loss)}, GED=${formatMetric(event.ged)}, accuracy=${accuracy4(event.accuracy)}`
      const earlier = Object.entries(event.validation)
      // The first level has no earlier level to validate: no line.
      if (earlier.length === 0) return [complete]
      return [complete, `  Validation: ${earlier.map(([level, a]) => `level ${level} accuracy=${accuracy4(a)}`).join(", ")}`]
    }
    case "Advanced":
      return [`[Level ${event.level}] Advancing to Level ${event.to} (accuracy ${accuracy2(event.accuracy)} > ${event.threshold})`]
    case "EarlyStopped":
      return [`[Level ${event.level}] Early stop: no improvement for ${event.stale} epochs (accuracy ${accuracy2(event.accuracy)})`]
    case "OutOfEpochs":
      return [`[Level ${event.level}] Out of epochs (accuracy ${accuracy2(event.accuracy)} ≤ ${event.threshold})`]
    case "Interrupted":
      return [`[Level ${event.level}] Interrupted in epoch ${event.epoch} after batch ${event.batch}/${event.batches}; latest.bin continues from there`]
  }
}
