/**
 * The levels' examples as training needs them: the current level whole (less what the
 * model cannot learn from), a finished level reduced to its replay sample and its
 * validation examples. Each level is read once.
 */
import { Effect } from "effect"
import { Rng } from "../../domain/Random.js"
import type { BrainExample, BrainModel } from "../../services/Brain.js"
import type { LevelSplits, TrainerError, TrainerIo, TrainerSettings } from "./types.js"
import { ExampleTable, examplesAt, type ExampleList } from "./table.js"

/** The examples at `indices`: a table's rows stay packed, an array's are picked. */
export const subList = (list: ExampleList<BrainExample>, indices: ReadonlyArray<number>): ExampleList<BrainExample> =>
  list instanceof ExampleTable ? list.select(indices) : examplesAt(list, indices)

export const indicesOf = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i)

/** A finished level's replay sample (seeded by the level, so a resumed run keeps the same) and validation examples. */
const reduced = (splits: LevelSplits, level: number, settings: TrainerSettings): LevelSplits => {
  const val = splits.val.slice(0, settings.validationLimit)
  if (splits.train.length <= settings.replayLimit) return { train: splits.train, val }
  const order = Rng.seeded(settings.seed, 0x4e9 + level).shuffle(indicesOf(splits.train.length))
  return { train: subList(splits.train, order.slice(0, settings.replayLimit)), val }
}

/** Only what the model can learn from is trained on (e.g. no derivatives for a brain that answers numbers). */
const learnable = (model: BrainModel, splits: LevelSplits): LevelSplits => {
  const keep = model.canLearn
  if (keep === undefined || splits.unlearnable !== undefined) return splits
  const kept = indicesOf(splits.train.length).filter((i) => keep(splits.train.at(i) as BrainExample))
  return { ...splits, train: subList(splits.train, kept), unlearnable: splits.train.length - kept.length }
}

export interface LevelData {
  /** A level's splits while `current` trains; a finished level (below `current`) reduced to its replay sample and validation examples. */
  readonly splitsOf: (level: number, current: number) => Effect.Effect<LevelSplits, TrainerError>
}

export const levelData = (model: BrainModel, settings: TrainerSettings, io: TrainerIo): LevelData => {
  const loaded = new Map<number, LevelSplits>()
  return {
    splitsOf: (level, current) =>
      Effect.gen(function* () {
        const cached = loaded.get(level)
        if (cached !== undefined && (level === current || cached.train.length <= settings.replayLimit)) return cached
        const splits = cached ?? learnable(model, yield* io.load(level))
        const kept = level === current ? splits : reduced(splits, level, settings)
        loaded.set(level, kept)
        return kept
      })
  }
}
