/**
 * A research script: the same brain trained on level 1 with Adam and with SGD, by
 * swapping the Optimizer layer; prints each epoch's held-out accuracy and the final
 * figures side by side.
 *
 *   npx tsx examples/adam-vs-sgd.ts [--epochs 8] [--samples 10000] [--seed 1] [--no-node-targets]
 *
 * Each example carries the Engine's value of its operator subtrees (data preparation,
 * as `grapheme train` does): the brain fits a head's unit on them when the head's gate
 * locks. With --no-node-targets it must lock gates from what first-order training left.
 */
import { Effect, Layer } from "effect"
import { print } from "../src/domain/Polish.js"
import { Rng } from "../src/domain/Random.js"
import { ArithmeticBrainLive } from "../src/layers/brain/ArithmeticBrainLive.js"
import { fit } from "../src/layers/brain/fit.js"
import { subtreeValues } from "../src/layers/brain/targets.js"
import { EngineLive } from "../src/layers/EngineLive.js"
import { isCorrect, numberOfAnswer } from "../src/layers/grading.js"
import { optimizerLayers } from "../src/layers/optimizers/index.js"
import { level1 } from "../src/plugins/index.js"
import { Brain, type BrainExample } from "../src/services/Brain.js"
import { Engine } from "../src/services/Engine.js"
import { Optimizer, type OptimizerKind } from "../src/services/Optimizer.js"

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const epochs = flag("epochs", 8)
const samples = flag("samples", 10_000)
const seed = flag("seed", 1)
const nodeTargets = !process.argv.includes("--no-node-targets")

/** Distinct level-1 problems answered by the Engine, split 80/10/10 by input. */
const dataset = Effect.gen(function* () {
  const engine = yield* Engine
  const rng = Rng.seeded(seed, 1)
  const seen = new Set<string>()
  const examples: Array<BrainExample & { key: string }> = []
  while (examples.length < samples) {
    const problem = level1.generate(rng)
    const key = print(problem.input)
    if (seen.has(key)) continue
    seen.add(key)
    const value = numberOfAnswer(yield* engine.evaluate(problem.input))
    if (value === undefined) continue
    examples.push({
      key,
      input: { expr: problem.input, bindings: [] },
      target: { _tag: "Number", value },
      subtreeValues: nodeTargets ? subtreeValues(problem.input, []) : undefined
    })
  }
  return { train: examples.slice(0, samples * 0.8), test: examples.slice(samples * 0.9) }
})

const trainWith = (kind: OptimizerKind, data: Effect.Effect.Success<typeof dataset>) =>
  Effect.gen(function* () {
    const model = yield* (yield* Brain).make({ seed })
    const optimizer = yield* (yield* Optimizer).make(model.module.parameters(), {
      learningRate: 0.01,
      weightDecay: 0,
      gradClipNorm: 1
    })
    const accuracy = () => {
      const answers = model.predict(data.test.map((e) => e.input))
      const ok = data.test.filter((e, i) =>
        isCorrect(answers[i], { result: e.target._tag === "Number" ? e.target.value : null, symbolic: null })
      ).length
      return ok / data.test.length
    }
    const curve: Array<number> = [accuracy()]
    fit(model, optimizer, data.train, {
      epochs,
      batchSize: 64,
      learningRate: 0.01,
      seed,
      onEpoch: (r) => {
        curve.push(accuracy())
        console.log(`${kind.padEnd(5)} epoch ${r.epoch}: loss ${r.meanLoss.toExponential(2)}  held-out accuracy ${(100 * (curve.at(-1) ?? 0)).toFixed(1)} %`)
      }
    })
    const beforePolish = curve.at(-1) ?? 0
    model.polish?.(data.train, 100)
    return { kind, curve, beforePolish, final: accuracy() }
  }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, optimizerLayers[kind])))

const program = Effect.gen(function* () {
  const data = yield* dataset
  console.log(
    `level 1: ${data.train.length} training, ${data.test.length} held-out problems (disjoint by input), ${nodeTargets ? "with" : "without"} per-node targets`
  )
  const results = [yield* trainWith("adam", data), yield* trainWith("sgd", data)]
  console.log("\noptimizer  untrained  after the epochs      after L-BFGS polish")
  for (const r of results)
    console.log(`${r.kind.padEnd(9)}  ${(100 * (r.curve[0] ?? 0)).toFixed(1).padStart(8)} %  ${(100 * r.beforePolish).toFixed(1).padStart(20)} %  ${(100 * r.final).toFixed(1).padStart(18)} %`)
})

Effect.runPromise(program.pipe(Effect.provide(EngineLive))).catch((e) => {
  console.error(String(e))
  process.exit(1)
})
