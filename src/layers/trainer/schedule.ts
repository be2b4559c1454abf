/** Pure pieces of the curriculum schedule: batches with replay, the learning rate, the decisions. */
import type { Rng } from "../../domain/Random.js"

/** Indices of one epoch: current-level batches, each topped up with replay examples. */
export const epochBatches = (
  rng: Rng,
  currentCount: number,
  replayCount: number,
  batchSize: number,
  replayFraction: number
): Array<{ readonly current: ReadonlyArray<number>; readonly replay: ReadonlyArray<number> }> => {
  const replayPerBatch = replayCount > 0 ? Math.max(1, Math.round(batchSize * replayFraction)) : 0
  const currentPerBatch = Math.max(1, batchSize - replayPerBatch)
  const order = rng.shuffle(Array.from({ length: currentCount }, (_, i) => i))
  const out: Array<{ current: Array<number>; replay: Array<number> }> = []
  for (let start = 0; start < order.length; start += currentPerBatch) {
    const replay: Array<number> = []
    for (let k = 0; k < replayPerBatch; k++) replay.push(rng.int(0, replayCount - 1))
    out.push({ current: order.slice(start, start + currentPerBatch), replay })
  }
  return out
}

export const cosineRate = (step: number, total: number, max: number, min: number): number =>
  min + 0.5 * (max - min) * (1 + Math.cos((Math.PI * Math.min(step, total)) / Math.max(1, total)))

export type LevelDecision =
  | { readonly _tag: "Continue" }
  | { readonly _tag: "Advance"; readonly accuracy: number }
  | { readonly _tag: "EarlyStop"; readonly accuracy: number; readonly stale: number }
  | { readonly _tag: "OutOfEpochs"; readonly accuracy: number }

/** SPEC §5/seed: advance when accuracy > threshold after the minimum epochs; stop after `patience` stale epochs. */
export const decide = (p: {
  readonly epoch: number
  readonly accuracy: number
  readonly stale: number
  readonly epochsPerLevel: number
  readonly minEpochs: number
  readonly threshold: number
  readonly patience: number
}): LevelDecision => {
  if (p.accuracy > p.threshold && p.epoch >= p.minEpochs) return { _tag: "Advance", accuracy: p.accuracy }
  if (p.stale >= p.patience) return { _tag: "EarlyStop", accuracy: p.accuracy, stale: p.stale }
  if (p.epoch >= p.epochsPerLevel) return { _tag: "OutOfEpochs", accuracy: p.accuracy }
  return { _tag: "Continue" }
}

/** The best accuracy of the level so far, and the epochs since it last improved. */
export const nextBest = (p: { readonly best: number; readonly stale: number }, accuracy: number) =>
  accuracy > p.best ? { best: accuracy, stale: 0 } : { best: p.best, stale: p.stale + 1 }

/** The checkpoints written after an epoch: every `checkpointEvery`-th and the level's last, under its own name and as latest.bin. */
export const checkpointNames = (level: number, epoch: number, checkpointEvery: number, levelEnds: boolean): ReadonlyArray<string> =>
  epoch % checkpointEvery === 0 || levelEnds ? [`epoch_${epoch}_level_${level}.bin`, "latest.bin"] : []
