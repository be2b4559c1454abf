/** Level data for brain tests, drawn with the curriculum plugins and answered by the Engine. */
import { Effect } from "effect"
import type { Example } from "../../src/domain/Example.js"
import { print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { make as makeBrain } from "../../src/layers/brain/ArithmeticBrainLive.js"
import { fit } from "../../src/layers/brain/fit.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { run } from "../../src/layers/engine/run.js"
import { sideAffine } from "../../src/layers/trainer/examples.js"
import type { Expected } from "../../src/layers/grading.js"
import { isCorrect, numberOfAnswer } from "../../src/layers/grading.js"
import { optimizerLayers } from "../../src/layers/optimizers/index.js"
import type { CurriculumLevel } from "../../src/services/CurriculumLevel.js"
import type { BrainExample, BrainModel } from "../../src/services/Brain.js"
import type { OptimizerKind } from "../../src/services/Optimizer.js"
import { Optimizer } from "../../src/services/Optimizer.js"

export interface LabelledExample extends BrainExample {
  readonly key: string
  readonly expected: Expected
}

/** Distinct problems of a level with the Engine's answers (problems the Engine refuses are skipped). */
export const drawLevel = (
  level: CurriculumLevel,
  count: number,
  seed: number,
  options: { readonly targets?: boolean } = {}
): Array<LabelledExample> => {
  const rng = Rng.seeded(seed, level.level)
  const seen = new Set<string>()
  const out: Array<LabelledExample> = []
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const p = level.generate(rng)
    const key = print(p.input)
    if (seen.has(key)) continue
    seen.add(key)
    let answer
    try {
      answer = run(p.input, p.bindings)
    } catch {
      continue
    }
    const value = numberOfAnswer(answer)
    const expected: Expected = value !== undefined ? { result: value, symbolic: null } : { result: null, symbolic: answer }
    const bindings = p.bindings ?? []
    out.push({
      key,
      expected,
      input: { expr: p.input, bindings },
      target: value !== undefined ? { _tag: "Number", value } : { _tag: "Expression", expr: answer },
      // with `targets`, what the trainer gives: per-node values, an equation's per-side affine targets (level 7)
      ...(options.targets === true
        ? { subtreeValues: subtreeValues(p.input, bindings), subtreeAffine: p.extra === undefined ? undefined : sideAffine(p.extra as unknown as Example, p.input) }
        : {})
    })
  }
  return out
}

export const accuracy = (model: BrainModel, examples: ReadonlyArray<LabelledExample>): number => {
  const answers = model.predict(examples.map((e) => e.input))
  return examples.filter((e, i) => isCorrect(answers[i], e.expected)).length / Math.max(1, examples.length)
}

export const brain = (seed: number): BrainModel => Effect.runSync(makeBrain({ seed }))

export const optimizerFor = (model: BrainModel, kind: OptimizerKind, learningRate = 0.01) =>
  Effect.runSync(
    Effect.provide(
      Effect.flatMap(Optimizer, (o) => o.make(model.module.parameters(), { learningRate, weightDecay: 0, gradClipNorm: 1 })),
      optimizerLayers[kind]
    )
  )

/** Training sizes and epochs per built-in level: enough to learn each skill, small enough for npm test. */
export const SMALL_SCHEDULE: Readonly<Record<number, readonly [number, number]>> = { 1: [2000, 2], 2: [3000, 3], 3: [3000, 3], 4: [8000, 4], 5: [1500, 2], 6: [1500, 2], 7: [2500, 10] }

/**
 * A brain trained level by level on SMALL_SCHEDULE (each level's examples passed through
 * `map`), yielding to the event loop between levels: a minute of synchronous training
 * would starve the test worker's messages to vitest.
 */
export const trainLevels = async (
  levels: ReadonlyArray<CurriculumLevel>,
  map: (examples: Array<LabelledExample>, level: number) => Array<LabelledExample> = (examples) => examples,
  onLevel: (level: number, train: ReadonlyArray<LabelledExample>) => void = () => {}
): Promise<BrainModel> => {
  const m = brain(1)
  const optimizer = optimizerFor(m, "adam")
  for (const level of levels) {
    const [count, epochs] = SMALL_SCHEDULE[level.level] as readonly [number, number]
    const train = map(drawLevel(level, count, 100 + level.level, { targets: true }), level.level)
    onLevel(level.level, train)
    fit(m, optimizer, train, { epochs, batchSize: 64, learningRate: 0.01, seed: level.level, polishIterations: 50 })
    m.consolidate!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return m
}
