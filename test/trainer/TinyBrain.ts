/**
 * A tiny Brain for tests, standing for a research script's own: a linear model of an
 * expression's first two numbers (y = w·x + b, x scaled by 1/20, y by 100). Its layer
 * says where worker threads load it (this module, export `TinyBrainLive`), so it trains
 * data-parallel like the default brain.
 */
import { Effect, Layer } from "effect"
import type { Expr } from "../../src/domain/Expr.js"
import { Rng } from "../../src/domain/Random.js"
import { Brain, type BrainExample, type BrainInput, type BrainModel } from "../../src/services/Brain.js"
import * as T from "../../src/tensor/index.js"

export const TINY_KIND = "tiny-linear"

/** The expression's first two numbers (depth first), 0 where it has fewer. */
const features = (expr: Expr): [number, number] => {
  const found: Array<number> = []
  const visit = (e: Expr) => {
    if (found.length >= 2) return
    if (e._tag === "Integer") found.push(Number(e.value))
    else if (e._tag === "Float") found.push(e.value)
    else if (e._tag === "Op" || e._tag === "Fn") e.args.forEach(visit)
  }
  visit(expr)
  return [(found[0] ?? 0) / 20, (found[1] ?? 0) / 20]
}

const inputsOf = (inputs: ReadonlyArray<BrainInput>) => new T.Tensor(Float64Array.from(inputs.flatMap((i) => features(i.expr))), inputs.length, 2)

export const make = (options: { readonly seed: number }): Effect.Effect<BrainModel> =>
  Effect.sync(() => {
    const linear = new T.Linear(2, 1, Rng.seeded(options.seed, 1))
    return {
      kind: TINY_KIND,
      shape: { inputs: 2 },
      module: linear,
      canLearn: (e: BrainExample) => e.target._tag === "Number",
      objective: (batch) => {
        const targets = T.column(batch.map((e) => (e.target._tag === "Number" ? e.target.value / 100 : 0)))
        return T.mseLoss(linear.forward(inputsOf(batch.map((e) => e.input))), targets)
      },
      predict: (inputs) => {
        if (inputs.length === 0) return []
        const y = linear.forward(inputsOf(inputs)).data
        return inputs.map((_, i): Expr => ({ _tag: "Float", value: 100 * (y[i] as number) }))
      },
      state: () => ({}),
      loadState: () => Effect.void
    }
  })

export const TinyBrainLive: Layer.Layer<Brain> = Layer.succeed(
  Brain,
  Brain.of({ make, source: { module: import.meta.url, export: "TinyBrainLive" } })
)

/** The same brain, without saying where workers can load it. */
export const TinyBrainHere: Layer.Layer<Brain> = Layer.succeed(Brain, Brain.of({ make }))
