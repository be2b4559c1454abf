/**
 * The Loss service through its default layer, GedLoss, and the `[loss]` weights.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { GedLoss, numberGraph } from "../../src/layers/loss/index.js"
import { defaultLossWeights, Loss, resolveWeights } from "../../src/services/Loss.js"
import * as T from "../../src/tensor/index.js"
import { graph } from "./support.js"

layer(GedLoss)("GedLoss", (it) => {
  it.effect("metric: the exact GED, and which method", () =>
    Effect.gen(function* () {
      const loss = yield* Loss
      assert.strictEqual(loss.name, "ged")
      assert.deepStrictEqual(loss.metric(graph("(+ 1 2)"), graph("(+ 1 2)")), { distance: 0, method: "exact", algorithm: "branch-and-bound" })
      assert.strictEqual(loss.metric(graph("(sin (cos x))"), graph("(sin x)")).distance, 2.5)
      assert.strictEqual(loss.metric(graph("(sin (cos x))"), graph("(sin x)"), defaultLossWeights, { exactLimit: 1 }).method, "bound")
    }))

  it.effect("structural and number agree on a number output; both 0 at the target", () =>
    Effect.gen(function* () {
      const loss = yield* Loss
      assert.strictEqual(loss.structural(numberGraph(T.scalar(3)), graph("3")).item(), 0)
      assert.strictEqual(loss.number(T.column([3]), Float64Array.of(3)).item(), 0)
      assert.strictEqual(
        loss.structural(numberGraph(T.scalar(4)), graph("3")).item(),
        loss.number(T.column([4]), Float64Array.of(3)).item()
      )
    }))
})

describe("Loss as a swappable service", () => {
  it.effect("a program written against Loss runs on any layer", () => {
    const program = Effect.map(Loss, (l) => l.metric(graph("x"), graph("y")).distance)
    const fake = Layer.succeed(Loss, Loss.of({
      name: "fake",
      structural: () => T.scalar(0),
      number: (p) => T.zeros(p.rows, 1),
      metric: () => ({ distance: 42, method: "bound", algorithm: "index" })
    }))
    return Effect.gen(function* () {
      assert.strictEqual(yield* Effect.provide(program, GedLoss), 1)
      assert.strictEqual(yield* Effect.provide(program, fake), 42)
    })
  })
})

describe("[loss] weights", () => {
  it.effect("default to the seed's values; a bad value is a LossError naming the key", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* resolveWeights(), {
        nodeInsertion: 1,
        nodeDeletion: 1,
        edgeInsertion: 0.5,
        edgeDeletion: 0.5,
        cliqueWeight: 2
      })
      assert.strictEqual((yield* resolveWeights({ clique_weight: 0, edge_deletion_cost: 1 })).edgeDeletion, 1)
      const bad = yield* Effect.exit(resolveWeights({ node_deletion_cost: -1 }))
      assert.isTrue(Exit.isFailure(bad))
      const error = yield* Effect.flip(resolveWeights({ clique_weight: Number.NaN }))
      assert.strictEqual(error._tag, "LossError")
      assert.include(error.message, "clique_weight")
    }))
})
