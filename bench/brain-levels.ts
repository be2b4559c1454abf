/**
 * How well the default brain learns one level on its own: 8,000 training problems,
 * 1,000 held-out test problems disjoint by input, 3 seeds, beside an untrained brain.
 *
 *   npx tsx bench/brain-levels.ts [level=2] [samples=10000] [epochs=10]
 *   npx tsx bench/brain-levels.ts --smoke     level 1, 200 samples, 1 epoch, one seed (npm test runs it)
 */
import { fit } from "../src/layers/brain/fit.js"
import { subtreeValues } from "../src/layers/brain/targets.js"
import { builtinLevels } from "../src/plugins/index.js"
import { accuracy, brain, drawLevel, optimizerFor } from "../test/brain/support.js"

const smoke = process.argv.includes("--smoke")
const args = process.argv.slice(2).filter((a) => a !== "--smoke")
const level = smoke ? 1 : Number(args[0] ?? 2)
const samples = smoke ? 200 : Number(args[1] ?? 10_000)
const epochs = smoke ? 1 : Number(args[2] ?? 10)
const all = drawLevel(builtinLevels[level - 1]!, samples, 2024).map((e) => ({
  ...e,
  subtreeValues: subtreeValues(e.input.expr, e.input.bindings)
}))
const train = all.slice(0, Math.floor(samples * 0.8))
const test = all.slice(Math.floor(samples * 0.9))
for (const seed of smoke ? [1] : [1, 2, 3]) {
  const model = brain(seed)
  const untrained = accuracy(model, test)
  const t0 = performance.now()
  fit(model, optimizerFor(model, "adam"), train, { epochs, batchSize: 64, learningRate: 0.01, seed, polishIterations: smoke ? 2 : 100 })
  console.log(
    `level ${level} seed ${seed}: test ${(100 * accuracy(model, test)).toFixed(1)} % (untrained ${(100 * untrained).toFixed(1)} %), ` +
      `${train.length} train / ${test.length} test, ${((performance.now() - t0) / 1000).toFixed(1)} s`
  )
}
