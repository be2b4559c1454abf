/**
 * One contract suite run against every Optimizer layer, then reference steps per
 * optimizer with the arithmetic written out (PyTorch 1.13's SGD/Adam/AdamW give the
 * same digits on these inputs).
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as AdamW from "../src/layers/optimizers/AdamW.js"
import { Adam, optimizerLayers, Sgd } from "../src/layers/optimizers/index.js"
import { Optimizer, type OptimizerInstance, type OptimizerOptions } from "../src/services/Optimizer.js"
import * as T from "../src/tensor/index.js"

// ─── a convex quadratic: L(p) = Σ c_i (p_i − t_i)² ───────────────────────────────────
const target = T.row([1, 1, -1, 2])
const curvature = T.row([1, 0.5, 2, 0.25])
const start = [3, -2, 1, 0.5]

const loss = (p: T.Tensor): T.Tensor => T.sum(T.mul(curvature, T.square(T.sub(p, target))))

/** Fresh gradients of the quadratic, then one optimizer step. */
const train = (opt: OptimizerInstance, steps: number): void => {
  const p = opt.params[0]!
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad()
    loss(p).backward()
    opt.step()
  }
}

const contractOptions: OptimizerOptions = { learningRate: 0.05, weightDecay: 0, momentum: 0.9 }

const sameBits = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]))

for (const [name, optimizerLayer] of Object.entries(optimizerLayers)) {
  layer(optimizerLayer)(`Optimizer contract: ${name}`, (it) => {
    it.effect("descends a convex quadratic", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        assert.strictEqual(optimizer.kind, name)
        const p = T.Parameter.from(start, 1, 4)
        const opt = yield* optimizer.make([p], contractOptions)
        const before = loss(p).item()
        train(opt, 400)
        const after = loss(p).item()
        assert.isBelow(after, before * 1e-4, `loss ${before} → ${after}`)
        assert.strictEqual(opt.stepCount(), 400)
      }))

    it.effect("zeroGrad clears every gradient (to none, as PyTorch's set_to_none)", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const a = T.Parameter.from(start, 1, 4)
        const b = T.Parameter.from([2], 1, 1)
        const opt = yield* optimizer.make([a, b])
        T.sum(T.mul(loss(a), b)).backward()
        assert.isTrue(a.grad!.some((g) => g !== 0) && b.grad![0] !== 0)
        opt.zeroGrad()
        assert.isNull(a.grad)
        assert.isNull(b.grad)
      }))

    it.effect("a parameter without a gradient since zeroGrad is not moved by step, momentum or not", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const a = T.Parameter.from(start, 1, 4)
        const b = T.Parameter.from([2], 1, 1)
        const opt = yield* optimizer.make([a, b], { ...contractOptions, weightDecay: 0.1 })
        T.sum(T.mul(loss(a), b)).backward()
        opt.step()
        opt.zeroGrad()
        const before = Array.from(b.data)
        T.sum(loss(a)).backward() // b takes no part
        opt.step()
        assert.deepStrictEqual(Array.from(b.data), before)
      }))

    it.effect("a learning rate of 0 leaves the parameters as they are", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const p = T.Parameter.from(start, 1, 4)
        const opt = yield* optimizer.make([p], { ...contractOptions, weightDecay: 0.1 })
        opt.setLearningRate(0)
        assert.strictEqual(opt.learningRate(), 0)
        train(opt, 3)
        assert.deepStrictEqual(Array.from(p.data), start)
      }))

    it.effect("save → load into a fresh instance → the next steps are bit-identical", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const options: OptimizerOptions = { learningRate: 0.03, weightDecay: 0.01, gradClipNorm: 5 }
        const p = T.Parameter.from(start, 1, 4)
        const uninterrupted = yield* optimizer.make([p], options)
        train(uninterrupted, 7)
        uninterrupted.setLearningRate(0.02)
        const saved = uninterrupted.state()
        const savedParams = p.data.slice()
        train(uninterrupted, 9)

        const q = T.Parameter.from(savedParams, 1, 4)
        const resumed = yield* optimizer.make([q], options)
        yield* resumed.loadState(saved)
        assert.strictEqual(resumed.stepCount(), 7)
        assert.strictEqual(resumed.learningRate(), 0.02)
        train(resumed, 9)
        assert.isTrue(sameBits(p.data, q.data), `${Array.from(p.data)} vs ${Array.from(q.data)}`)
        const [s1, s2] = [uninterrupted.state(), resumed.state()]
        assert.deepStrictEqual(Object.keys(s1.buffers), Object.keys(s2.buffers))
        for (const key of Object.keys(s1.buffers)) assert.isTrue(sameBits(s1.buffers[key]!, s2.buffers[key]!))
      }))

    it.effect("state() is a copy: training on does not change a saved state", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const p = T.Parameter.from(start, 1, 4)
        const opt = yield* optimizer.make([p], contractOptions)
        train(opt, 2)
        const saved = opt.state()
        const copy = Object.fromEntries(Object.entries(saved.buffers).map(([k, v]) => [k, v.slice()]))
        train(opt, 2)
        for (const [k, v] of Object.entries(copy)) assert.isTrue(sameBits(v, saved.buffers[k]!))
        assert.strictEqual(saved.step, 2)
      }))

    it.effect("clipping caps the global gradient norm and keeps its direction", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const a = T.Parameter.from([0, 0], 1, 2)
        const b = T.Parameter.from([0], 1, 1)
        const opt = yield* optimizer.make([a, b], { ...contractOptions, gradClipNorm: 2.5 })
        a.grad = Float64Array.of(30, 0)
        b.grad = Float64Array.of(40) // global norm 50
        opt.step()
        const norm = T.gradNorm([a, b])
        assert.isAtMost(norm, 2.5)
        assert.closeTo(norm, 2.5, 1e-6)
        assert.closeTo(a.grad[0]! / b.grad[0]!, 0.75, 1e-15)
        // under the cap nothing changes
        a.grad = Float64Array.of(0.3, 0)
        b.grad = Float64Array.of(0.4)
        opt.step()
        assert.deepStrictEqual([a.grad[0], b.grad[0]], [0.3, 0.4])
      }))

    it.effect("refuses a state whose shapes or kind do not match, and keeps its own", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const small = yield* optimizer.make([T.Parameter.zeros(2, 2)])
        const other = yield* optimizer.make([T.Parameter.zeros(3, 1)])
        const twoParams = yield* optimizer.make([T.Parameter.zeros(2, 2), T.Parameter.zeros(1, 1)])
        const wrongShape = yield* Effect.flip(other.loadState(small.state()))
        assert.strictEqual(wrongShape._tag, "OptimizerError")
        assert.strictEqual(wrongShape.reason, "StateMismatch")
        const missing = yield* Effect.flip(twoParams.loadState(small.state()))
        assert.strictEqual(missing.reason, "StateMismatch")
        const extra = yield* Effect.flip(small.loadState(twoParams.state()))
        assert.strictEqual(extra.reason, "StateMismatch")
        const transposed = yield* optimizer.make([T.Parameter.zeros(4, 1)])
        const sameSizeOtherShape = yield* Effect.flip(transposed.loadState(small.state()))
        assert.include(sameSizeOtherShape.message, "[4, 1]")
        const { ["v.0"]: _v, ["momentum.0"]: _b, ...lessBuffers } = small.state().buffers
        const missingBuffer = yield* Effect.flip(small.loadState({ ...small.state(), buffers: lessBuffers }))
        assert.strictEqual(missingBuffer.reason, "StateMismatch")
        const shortBuffer = yield* Effect.flip(
          small.loadState({ ...small.state(), buffers: { ...small.state().buffers, [name === "sgd" ? "momentum.0" : "m.0"]: new Float64Array(3) } })
        )
        assert.include(shortBuffer.message, "3 values")
        const otherKind = name === "sgd" ? "adam" : "sgd"
        const wrongKind = yield* Effect.flip(small.loadState({ ...small.state(), kind: otherKind }))
        assert.match(wrongKind.message, new RegExp(`${otherKind} state`))
        assert.strictEqual(other.stepCount(), 0)
      }))

    it.effect("refuses invalid options with a message naming the option", () =>
      Effect.gen(function* () {
        const optimizer = yield* Optimizer
        const p = [T.Parameter.zeros(1, 1)]
        for (const [options, key] of [
          [{ learningRate: -1 }, "learning_rate"],
          [{ beta1: 1 }, "beta1"],
          [{ beta2: Number.NaN }, "beta2"],
          [{ epsilon: 0 }, "epsilon"],
          [{ weightDecay: -0.1 }, "weight_decay"],
          [{ momentum: 1.5 }, "momentum"],
          [{ gradClipNorm: 0 }, "gradClipNorm"]
        ] as const) {
          const error = yield* Effect.flip(optimizer.make(p, options))
          assert.strictEqual(error.reason, "InvalidOptions")
          assert.include(error.message, key)
        }
        const twice = yield* Effect.flip(optimizer.make([p[0]!, p[0]!]))
        assert.strictEqual(twice.reason, "InvalidOptions")
      }))
  })
}

// ─── reference steps: p₀ = [1, −2], g₁ = [0.5, −1], g₂ = [0.25, 2], lr 0.1, wd 0.01 ──────
const twoSteps = (make: typeof Sgd.make, options: OptimizerOptions) =>
  Effect.gen(function* () {
    const p = T.Parameter.from([1, -2], 1, 2)
    const opt = yield* make([p], options)
    const after: Array<Array<number>> = []
    for (const g of [[0.5, -1], [0.25, 2]]) {
      p.grad = Float64Array.from(g)
      opt.step()
      after.push(Array.from(p.data))
    }
    return { after, state: opt.state() }
  })

const expectClose = (actual: ReadonlyArray<number>, expected: ReadonlyArray<number>): void => {
  actual.forEach((x, i) => assert.closeTo(x, expected[i]!, 1e-15 * Math.max(1, Math.abs(expected[i]!))))
}

describe("SGD reference steps (momentum 0.9, L2 0.01)", () => {
  it.effect("two steps by hand", () =>
    Effect.gen(function* () {
      const { after, state } = yield* twoSteps(Sgd.make, { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 })
      // step 1: d = g + 0.01·p = [0.51, −1.02]; b = d; p = p − 0.1·b = [0.949, −1.898]
      expectClose(after[0]!, [0.949, -1.898])
      // step 2: d = [0.25 + 0.00949, 2 − 0.01898] = [0.25949, 1.98102]
      //         b = 0.9·[0.51, −1.02] + d = [0.71849, 1.06302]
      //         p = [0.949 − 0.071849, −1.898 − 0.106302]
      expectClose(after[1]!, [0.877151, -2.004302])
      expectClose(Array.from(state.buffers["momentum.0"]!), [0.71849, 1.06302])
    }))
})

describe("Adam reference steps (β 0.9/0.999, ε 1e-8, L2 0.01)", () => {
  it.effect("two steps by hand", () =>
    Effect.gen(function* () {
      const { after, state } = yield* twoSteps(Adam.make, { learningRate: 0.1, weightDecay: 0.01 })
      // step 1: d = [0.51, −1.02]; m = 0.1·d; v = 0.001·d²; m̂ = d; √v̂ = |d|
      const p1 = [1 - 0.1 * (0.51 / (0.51 + 1e-8)), -2 - 0.1 * (-1.02 / (1.02 + 1e-8))]
      expectClose(after[0]!, p1)
      expectClose(after[0]!, [0.9000000019607843, -1.9000000009803921])
      // step 2: d = g₂ + 0.01·p₁; m = 0.9·m₁ + 0.1·d; v = 0.999·v₁ + 0.001·d²
      const d = [0.25 + 0.01 * p1[0]!, 2 + 0.01 * p1[1]!]
      const m = [0.9 * 0.051 + 0.1 * d[0]!, 0.9 * -0.102 + 0.1 * d[1]!]
      const v = [0.999 * 0.0002601 + 0.001 * d[0]! ** 2, 0.999 * 0.0010404 + 0.001 * d[1]! ** 2]
      // bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999
      const p2 = p1.map((p, i) => p - 0.1 * ((m[i]! / 0.19) / (Math.sqrt(v[i]! / 0.001999) + 1e-8)))
      expectClose(after[1]!, p2)
      expectClose(after[1]!, [0.8065550410499319, -1.9355044186569044])
      expectClose(Array.from(state.buffers["m.0"]!), m)
      expectClose(Array.from(state.buffers["v.0"]!), v)
      assert.strictEqual(state.step, 2)
    }))
})

describe("AdamW reference steps (β 0.9/0.999, ε 1e-8, decoupled decay 0.01)", () => {
  it.effect("two steps by hand", () =>
    Effect.gen(function* () {
      const { after } = yield* twoSteps(AdamW.make, { learningRate: 0.1, weightDecay: 0.01 })
      // step 1: p ← 0.999·p = [0.999, −1.998]; then Adam on the raw g: m̂ = g, √v̂ = |g|
      const p1 = [0.999 - 0.1 * (0.5 / (0.5 + 1e-8)), -1.998 - 0.1 * (-1 / (1 + 1e-8))]
      expectClose(after[0]!, p1)
      // step 2: p ← 0.999·p₁; m = 0.9·[0.05, −0.1] + 0.1·[0.25, 2] = [0.07, 0.11]
      //         v = 0.999·[0.00025, 0.001] + 0.001·[0.0625, 4] = [0.00031225, 0.004999]
      const m = [0.07, 0.11]
      const v = [0.00031225, 0.004999]
      const p2 = p1.map((p, i) => 0.999 * p - 0.1 * ((m[i]! / 0.19) / (Math.sqrt(v[i]! / 0.001999) + 1e-8)))
      expectClose(after[1]!, p2)
      expectClose(after[1]!, [0.8048830404754623, -1.9327123534710748])
    }))

  it.effect("differs from Adam without decay exactly by the decoupled term −lr·wd·p", () =>
    Effect.gen(function* () {
      const lr = 0.05
      const wd = 0.2
      const p = T.Parameter.from([1.5, -0.5, 3], 1, 3)
      const q = T.Parameter.from([1.5, -0.5, 3], 1, 3)
      const adamw = yield* AdamW.make([p], { learningRate: lr, weightDecay: wd })
      const adam = yield* Adam.make([q], { learningRate: lr, weightDecay: 0 })
      for (const g of [[0.3, -2, 1], [1, 0.5, -0.25], [-0.7, 0.1, 2]]) {
        const [p0, q0] = [p.data.slice(), q.data.slice()]
        p.grad = Float64Array.from(g)
        q.grad = Float64Array.from(g)
        adamw.step()
        adam.step()
        for (let i = 0; i < 3; i++) {
          const difference = p.data[i]! - p0[i]! - (q.data[i]! - q0[i]!)
          assert.closeTo(difference, -lr * wd * p0[i]!, 1e-15)
        }
        // the moments never see the decay
        for (const key of ["m.0", "v.0"]) assert.isTrue(sameBits(adamw.state().buffers[key]!, adam.state().buffers[key]!))
      }
    }))
})
