/** The graph machinery: accumulation, shared nodes, deep graphs, noGrad, gradCheck itself. */
import { describe, expect, it } from "vitest"
import * as T from "../../src/tensor/index.js"
import { seeded, random } from "./helpers.js"

describe("backward", () => {
  it("computes d/dx of a small expression by hand: y = x² · 3 + x at x = 2 → 13", () => {
    const x = T.scalar(2, { requiresGrad: true })
    const y = T.add(T.scale(T.square(x), 3), x)
    expect(y.item()).toBe(14)
    y.backward()
    expect(x.grad![0]).toBe(13)
  })

  it("sums the gradient over every path through a shared node (diamond)", () => {
    // z = (x + 1)·(x + 1) + (x + 1), dz/dx = 2(x + 1) + 1
    const x = T.scalar(3, { requiresGrad: true })
    const u = T.addScalar(x, 1)
    const z = T.add(T.mul(u, u), u)
    z.backward()
    expect(x.grad![0]).toBe(9)
  })

  it("accumulates leaf gradients across calls until zeroed, intermediates start fresh", () => {
    const x = T.scalar(2, { requiresGrad: true })
    T.square(x).backward()
    T.square(x).backward()
    expect(x.grad![0]).toBe(8)
    x.zeroGrad()
    expect(x.grad![0]).toBe(0)
    const y = T.square(x)
    const z = T.scale(y, 2)
    z.backward(undefined, { retainGraph: true })
    z.backward()
    expect(y.grad![0]).toBe(2)
    expect(x.grad![0]).toBe(16)
  })

  it("needs a seed gradient for a non-scalar output", () => {
    const x = random(seeded(1), 2, 2)
    expect(() => T.exp(x).backward()).toThrow(/seed/)
    const y = T.exp(x)
    y.backward(new Float64Array([1, 0, 0, 1]))
    expect(x.grad![0]).toBeCloseTo(Math.exp(x.data[0]!), 14)
    expect(x.grad![1]).toBe(0)
  })

  it("handles a 100 000-node chain without recursion", () => {
    const x = T.scalar(1, { requiresGrad: true })
    let y: T.Tensor = x
    for (let i = 0; i < 100_000; i++) y = T.addScalar(y, 1e-6)
    y.backward()
    expect(x.grad![0]).toBe(1)
  })

  it("does not record a graph inside noGrad or for constants", () => {
    const x = T.scalar(1, { requiresGrad: true })
    const y = T.noGrad(() => T.exp(x))
    expect(y.requiresGrad).toBe(false)
    expect(y.parents).toEqual([])
    expect(T.isGradEnabled()).toBe(true)
    const c = T.exp(T.scalar(1))
    expect(c.requiresGrad).toBe(false)
    expect(() => c.backward()).toThrow(/does not require grad/)
  })

  it("keeps its own copy of index arrays, masks and input lists for the backward pass", () => {
    const x = T.tensor([[1], [2], [3]], { requiresGrad: true })
    const index = [2, 2, 0]
    const mask = [1, 0, 1]
    const parts = [x, x]
    const y = T.sum(T.mul(T.where(mask, T.gather(x, index), T.scalar(0)), T.sliceCols(T.concatCols(parts), 0, 1)))
    index[0] = 1
    mask[1] = 1
    parts.pop()
    y.backward()
    // y = x₂·x₀ + x₀·x₂ (rows 0 and 2 of the where), so dy/dx = [2x₂, 0, 2x₀]
    expect(Array.from(x.grad!)).toEqual([6, 0, 2])
  })

  it("leaves no gradient on inputs that do not require one", () => {
    const x = T.scalar(2, { requiresGrad: true })
    const k = T.scalar(5)
    T.mul(x, k).backward()
    expect(x.grad![0]).toBe(5)
    expect(k.grad).toBeNull()
  })
})

describe("gradCheck", () => {
  it("detects a gradient that is wrong by 1e-5 relative", () => {
    const badSin = (x: T.Tensor): T.Tensor =>
      T.fromOp("badSin", x.data.map(Math.sin), x.rows, x.cols, [x], (g) => {
        const gx = x.gradBuffer()
        for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * Math.cos(x.data[i]!) * (1 + 1e-5)
      })
    const x = random(seeded(2), 3, 3)
    expect(T.gradCheck(badSin, [x]).ok).toBe(false)
    expect(T.gradCheck(T.sin, [x]).ok).toBe(true)
  })

  it("reports where the worst element is, and restores the inputs", () => {
    const x = random(seeded(3), 2, 3)
    const before = x.data.slice()
    const result = T.gradCheck(T.exp, [x])
    expect(result.checked).toBe(6)
    expect(result.at.input).toBe(0)
    expect(x.data).toEqual(before)
  })
})
