/** What a training run's log reads back into (see ../TrainingLog.ts). */

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
