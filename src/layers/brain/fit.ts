/**
 * A plain training loop for research scripts and tests: shuffled mini-batches, a
 * cosine learning-rate schedule, one optimizer step per batch. (The Trainer service
 * adds the curriculum, checkpoints and logs on top of the same steps.)
 */
import { Rng } from "../../domain/Random.js"
import type { BrainExample, BrainModel } from "../../services/Brain.js"
import type { OptimizerInstance } from "../../services/Optimizer.js"
import { cosineRate } from "../trainer/schedule.js"

export interface FitOptions {
  readonly epochs: number
  readonly batchSize: number
  readonly learningRate: number
  readonly minLearningRate?: number
  readonly seed: number
  readonly onEpoch?: (report: EpochReport) => void
  /** Iterations of the model's second-order polish after the last epoch (0 = none). */
  readonly polishIterations?: number
}

export interface EpochReport {
  readonly epoch: number
  readonly meanLoss: number
  readonly seconds: number
}

export const fit = (
  model: BrainModel,
  optimizer: OptimizerInstance,
  train: ReadonlyArray<BrainExample>,
  options: FitOptions
): ReadonlyArray<EpochReport> => {
  const rng = Rng.seeded(options.seed, 0xf17)
  const order = train.map((_, i) => i)
  const batches = Math.ceil(train.length / options.batchSize)
  const total = options.epochs * batches
  const reports: Array<EpochReport> = []
  const started = performance.now()
  let step = 0
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    rng.shuffle(order)
    let lossSum = 0
    for (let b = 0; b < batches; b++) {
      const batch = order.slice(b * options.batchSize, (b + 1) * options.batchSize).map((i) => train[i] as BrainExample)
      optimizer.setLearningRate(cosineRate(step, total, options.learningRate, options.minLearningRate ?? 1e-5))
      optimizer.zeroGrad()
      model.prepareStep?.(batch, { fraction: step / total })
      const loss = model.objective(batch, { fraction: step / total })
      // A batch with nothing to differentiate (expression targets only) changes discrete state alone.
      if (loss.requiresGrad) {
        loss.backward()
        optimizer.step()
      }
      lossSum += loss.item()
      step++
    }
    const report = { epoch, meanLoss: lossSum / batches, seconds: (performance.now() - started) / 1000 }
    reports.push(report)
    options.onEpoch?.(report)
  }
  if ((options.polishIterations ?? 0) > 0 && model.polish !== undefined) model.polish(train, options.polishIterations ?? 0)
  return reports
}
