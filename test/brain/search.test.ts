import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { parse } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { ArithmeticBrain, PATH_COUNT } from "../../src/layers/brain/ArithmeticBrain.js"
import { featurize } from "../../src/layers/brain/featurize.js"
import { chooseUnit, fixUnitParameters, refine, setUnitParameters, unitValue } from "../../src/layers/brain/search.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import * as T from "../../src/tensor/index.js"

const sinHead = () => headRow({ _tag: "Fn", fn: "sin", args: [] } as never, 1)

describe("unit search", () => {
  it("scores each unit with the same formula as the forward pass", () => {
    const net = new ArithmeticBrain(Rng.seeded(5), { embedding: 8 })
    const inputs = ["(sin 0.7)", "(tan -1.3)", "(* 2.5 -0.4)", "(^ -1.5 3)", "(ln 2.2)", "(/ 3 -0.7)"]
    const batch = featurize(inputs.map((text) => ({ expr: Either.getOrThrow(parse(text)), bindings: [] })))
    const paths = T.noGrad(() => net.forward(batch).paths)
    const tables = T.noGrad(() => net.units().map((u) => u.table()))
    const names = ["affine", "product", "powers", "signs", "rate", "omega", "gate", "sine", "expo", "logarithm", "ratio"]
    const of = (name: string, h: number) => {
      const t = tables[names.indexOf(name)]!
      return Array.from(t.data.subarray(h * t.cols, (h + 1) * t.cols))
    }
    const unitOf = [["affine"], ["product"], ["powers", "signs"], ["rate", "omega"], ["sine"], ["expo"], ["logarithm"], ["ratio"]]
    for (const level of batch.levels)
      for (let j = 0; j < level.count; j++) {
        const h = level.head[j]!
        const a = batch.leafValues[level.child0[j]!]!
        const b = batch.leafValues[level.child1[j]!]!
        for (let k = 0; k < PATH_COUNT; k++) {
          const p = unitOf[k]!.flatMap((n) => of(n, h))
          expect(unitValue(k, p, a, b)).toBeCloseTo(paths.get(level.start + j, k), 9)
        }
      }
  })

  it("finds a unit that fits one-argument data exactly, from any starting embedding", () => {
    const rng = Rng.seeded(3)
    const a = Array.from({ length: 20 }, () => rng.uniform(-10, 10))
    for (const [f, seed] of [[Math.cos, 1], [(x: number) => Math.log(Math.abs(x)) / Math.LN10, 2], [Math.tan, 3], [(x: number) => -x, 4]] as const) {
      const net = new ArithmeticBrain(Rng.seeded(seed), { embedding: 8 })
      const s = { a, b: a.map(() => 1), y: a.map(f) }
      const choice = chooseUnit(net, sinHead(), s)
      expect(choice.hits).toBe(1)
      setUnitParameters(net, sinHead(), choice.unit, choice.parameters)
      // The head's maps now give those parameters.
      const batch = featurize([{ expr: Either.getOrThrow(parse(`(sin ${a[0]})`)), bindings: [] }])
      const paths = T.noGrad(() => net.forward(batch).paths)
      expect(paths.get(batch.roots[0]!, choice.unit)).toBeCloseTo(f(a[0]!), 6)
      fixUnitParameters(net, sinHead(), choice.unit, choice.parameters)
      expect(net.solvedHead[sinHead()]).toBe(1)
    }
  })

  it("refines a candidate locally (Levenberg–Marquardt) to an exact fit", () => {
    const rng = Rng.seeded(4)
    const a = Array.from({ length: 16 }, () => rng.uniform(-5, 5))
    const s = { a, b: a.map(() => 1), y: a.map((x) => 1.3 * Math.sin(0.9 * x + 0.4)) }
    const p = refine(4, [1, 1, 0.2], s)
    expect(p[0]).toBeCloseTo(1.3, 8)
    expect(p[1]).toBeCloseTo(0.9, 8)
  })
})
