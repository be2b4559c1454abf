/** Module, Parameter, state dicts and initialisers. */
import { describe, expect, it } from "vitest"
import { Rng } from "../../src/domain/Random.js"
import * as T from "../../src/tensor/index.js"

class Mlp extends T.Module {
  readonly layers: ReadonlyArray<T.Linear>
  readonly scale = T.Parameter.from([1], 1, 1)
  constructor(rng: Rng) {
    super()
    this.layers = [new T.Linear(3, 4, rng), new T.Linear(4, 1, rng, { bias: false })]
  }
}

describe("Module", () => {
  it("names parameters by field path in declaration order", () => {
    const net = new Mlp(Rng.seeded(1))
    expect(net.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
      ["layers.0.weight", [4, 3]],
      ["layers.0.bias", [1, 4]],
      ["layers.1.weight", [1, 4]],
      ["scale", [1, 1]]
    ])
    expect(net.parameterCount()).toBe(12 + 4 + 4 + 1)
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true)
  })

  it("lists a shared parameter once", () => {
    class Tied extends T.Module {
      readonly a = T.Parameter.zeros(2, 2)
      readonly b = this.a
    }
    expect(new Tied().namedParameters().map(([n]) => n)).toEqual(["a"])
  })

  it("zeroGrad clears every gradient", () => {
    const net = new Mlp(Rng.seeded(2))
    const x = T.tensor([[1, 2, 3]])
    const y = T.mul(net.layers[1]!.forward(T.tanh(net.layers[0]!.forward(x))), net.scale)
    T.sum(y).backward()
    expect(net.parameters().every((p) => p.grad !== null && p.grad.some((g) => g !== 0))).toBe(true)
    net.zeroGrad()
    expect(net.parameters().every((p) => p.grad!.every((g) => g === 0))).toBe(true)
  })

  it("stateDict → loadStateDict round-trips into a differently initialised module", () => {
    const a = new Mlp(Rng.seeded(3))
    const b = new Mlp(Rng.seeded(4))
    expect(b.stateDict()).not.toEqual(a.stateDict())
    b.loadStateDict(a.stateDict())
    expect(b.stateDict()).toEqual(a.stateDict())
    // a copy, not a view
    const dict = a.stateDict()
    dict["scale"]![0] = 42
    expect(a.scale.data[0]).toBe(1)
    expect(a.parameterShapes()["layers.0.weight"]).toEqual([4, 3])
  })

  it("refuses a state dict that does not fit, and writes nothing", () => {
    const net = new Mlp(Rng.seeded(5))
    const before = net.stateDict()
    const missing: Record<string, Float64Array> = { ...before }
    delete missing["scale"]
    const reason = (f: () => void): string => {
      try {
        f()
        return "none"
      } catch (e) {
        expect(e).toBeInstanceOf(T.StateDictError)
        return (e as T.StateDictError).reason
      }
    }
    expect(reason(() => net.loadStateDict(missing))).toBe("Missing")
    expect(reason(() => net.loadStateDict({ ...before, "layers.0.bias": new Float64Array(5) }))).toBe("SizeMismatch")
    expect(reason(() => net.loadStateDict({ ...before, extra: new Float64Array(1) }))).toBe("Unexpected")
    expect(reason(() => net.loadStateDict({ ...before, extra: new Float64Array(1) }, { strict: false }))).toBe("none")
    expect(net.stateDict()).toEqual(before)
  })
})

describe("init", () => {
  it("is deterministic per seed and within its bounds", () => {
    const a = T.init.xavierUniform(Rng.seeded(7), 30, 20)
    const b = T.init.xavierUniform(Rng.seeded(7), 30, 20)
    expect(a.data).toEqual(b.data)
    const bound = Math.sqrt(6 / 50)
    expect(a.data.every((x) => Math.abs(x) <= bound)).toBe(true)
    const u = T.init.uniform(Rng.seeded(8), 10, 10, 2.5, 3.8)
    expect(u.data.every((x) => x >= 2.5 && x < 3.8)).toBe(true)
  })

  it("draws normals with the requested mean and spread", () => {
    const n = T.init.normal(Rng.seeded(9), 200, 100, 0.5, 1)
    const mean = n.data.reduce((s, x) => s + x, 0) / n.size
    const sd = Math.sqrt(n.data.reduce((s, x) => s + (x - mean) ** 2, 0) / n.size)
    expect(mean).toBeCloseTo(1, 1)
    expect(sd).toBeCloseTo(0.5, 1)
    const xn = T.init.xavierNormal(Rng.seeded(9), 100, 100)
    const sx = Math.sqrt(xn.data.reduce((s, x) => s + x * x, 0) / xn.size)
    expect(sx).toBeCloseTo(Math.sqrt(2 / 200), 2)
  })
})
