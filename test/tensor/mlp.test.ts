/** End to end: a 2-layer MLP trained with the Adam layer fits y = 3a − 2b. */
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { Rng } from "../../src/domain/Random.js"
import { Adam } from "../../src/layers/optimizers/index.js"
import { Optimizer } from "../../src/services/Optimizer.js"
import * as T from "../../src/tensor/index.js"

class Mlp extends T.Module {
  readonly hidden: T.Linear
  readonly out: T.Linear
  constructor(rng: Rng) {
    super()
    this.hidden = new T.Linear(2, 16, rng)
    this.out = new T.Linear(16, 1, rng)
  }
  forward(x: T.Tensor): T.Tensor {
    return this.out.forward(T.tanh(this.hidden.forward(x)))
  }
}

const dataset = (rng: Rng, n: number) => {
  const x = new Float64Array(n * 2)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1)
    const b = rng.uniform(-1, 1)
    x[2 * i] = a
    x[2 * i + 1] = b
    y[i] = 3 * a - 2 * b
  }
  return { x: new T.Tensor(x, n, 2), y: new T.Tensor(y, n, 1) }
}

it.effect("a 2-layer MLP with Adam fits y = 3a − 2b", () =>
  Effect.gen(function* () {
    const rng = Rng.seeded(2024)
    const net = new Mlp(rng)
    const train = dataset(rng, 256)
    const test = dataset(rng, 128)
    const optimizer = yield* Optimizer
    const opt = yield* optimizer.make(net.parameters(), { learningRate: 0.01, weightDecay: 0 })
    const initial = T.noGrad(() => T.mseLoss(net.forward(test.x), test.y).item())
    for (let step = 0; step < 1500; step++) {
      opt.zeroGrad()
      T.mseLoss(net.forward(train.x), train.y).backward()
      opt.step()
    }
    const final = T.noGrad(() => T.mseLoss(net.forward(test.x), test.y).item())
    assert.isAbove(initial, 1)
    assert.isBelow(final, 1e-3, `test MSE ${initial} → ${final}`)
  }).pipe(Effect.provide(Adam.layer)))
