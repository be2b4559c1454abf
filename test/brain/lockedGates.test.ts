/**
 * The forward pass when every gate of a level is locked (the main phase): each node
 * computes only its own unit (lockedUnits; with unknowns, nodes grouped by unit for
 * their tangents), and every unit's value only where it is read (the roots, or `paths`).
 * Its values are the locked unit's column of `paths` bit for bit, its tangents are the
 * derivatives of its values along the unknown, and its gradients pass finite differences —
 * for every unit, the readout included.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { parse } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { ArithmeticBrain, PATH_COUNT, READOUT } from "../../src/layers/brain/ArithmeticBrain.js"
import { featurize, type FeaturizedBatch } from "../../src/layers/brain/featurize.js"
import { numericObjective } from "../../src/layers/brain/objective.js"
import * as T from "../../src/tensor/index.js"

const batchOf = (inputs: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, number]>]>): FeaturizedBatch =>
  featurize(inputs.map(([text, bindings]) => ({ expr: Either.getOrThrow(parse(text)), bindings })))

const bound = batchOf([
  ["(+ (* 1.5 2.0) (- 0.7 x))", [["x", 1.2]]],
  ["(/ (^ 1.3 2) 0.8)", []],
  ["(- (* 0.5 y) (/ 2.5 (+ x 1.1)))", [["x", 0.4], ["y", -1.7]]],
  ["(+ (sin (* 0.5 x)) (tan 0.3))", [["x", 0.9]]],
  ["(- (exp 0.4) (ln (sqrt 1.7)))", []]
])
const withUnknown = batchOf([
  ["(solve (= (* 0.5 (- x 0.7)) (/ x 1.3)) x)", []],
  ["(solve (= (+ x 0.2) (- 0.5 (* 1.5 x))) x)", []],
  ["(+ (* 1.5 2.0) (- 0.7 y))", [["y", 1.2]]]
])

/** A brain with every head locked, unit by unit in turn (K units), so that every unit is some head's. */
const lockedBrain = (batch: FeaturizedBatch, K: number, seed: number): ArithmeticBrain => {
  const net = new ArithmeticBrain(Rng.seeded(seed), { embedding: 4 })
  const heads = [...new Set(batch.levels.flatMap((l) => [...l.head]))].sort((a, b) => a - b)
  heads.forEach((h, i) => {
    net.lockedPath[h] = (i + seed) % K
    net.readoutSigns.set([i % 3 === 0 ? -1 : 1, i % 2, 1 - (i % 2)], 3 * h)
  })
  return net
}

describe("a forward pass with every gate locked", () => {
  for (const [name, batch, K] of [
    ["bound symbols only", bound, PATH_COUNT],
    ["with unknowns (tangents, readout)", withUnknown, READOUT + 1]
  ] as const) {
    it(`${name}: each node's value is its locked unit's column of paths, bit for bit`, () => {
      for (const seed of [1, 2, 3]) {
        const net = lockedBrain(batch, K, seed)
        const forward = T.noGrad(() => net.forward(batch))
        const values = forward.values.data
        const paths = forward.paths
        expect(paths.cols).toBe(K)
        for (const level of batch.levels)
          for (let j = 0; j < level.count; j++) {
            const row = level.start + j
            const k = net.lockedPath[level.head[j] as number] as number
            expect(Object.is(values[row], paths.get(row, k)) || values[row] === paths.get(row, k), `row ${row} unit ${k}`).toBe(true)
          }
        // the roots' units are the same rows of paths
        batch.roots.forEach((r, i) => {
          for (let k = 0; k < K; k++) expect(forward.rootPaths.get(i, k)).toBe(paths.get(r, k))
        })
      }
    })

    it(`${name}: passes a finite-difference check (output, objective${K > PATH_COUNT ? ", tangents" : ""})`, () => {
      const net = lockedBrain(batch, K, 2)
      const y = Float64Array.from(batch.roots, (_, i) => 0.5 + 0.3 * i)
      const objectives = [() => net.forward(batch).output, () => numericObjective(net.forward(batch), y)]
      if (K > PATH_COUNT) objectives.push(() => net.forward(batch).tangents!)
      for (const objective of objectives) {
        const result = T.gradCheck(objective, net.parameters(), { eps: 1e-6, rtol: 1e-4, atol: 1e-6 })
        expect(result.checked).toBeGreaterThan(10)
        expect(result.ok, JSON.stringify(result.at)).toBe(true)
      }
    })
  }

  it("with unknowns: a node's tangent is the derivative of its value along the unknown", () => {
    for (const seed of [1, 2, 3]) {
      // without the readout (its tangent is 0 by definition, not its value's derivative)
      const net = lockedBrain(withUnknown, PATH_COUNT, seed)
      const forward = T.noGrad(() => net.forward(withUnknown))
      const tangents = forward.tangents!.data
      const valuesAt = (dx: number) => {
        const saved = net.unknownValue.data[0]!
        net.unknownValue.data[0] = saved + dx
        const v = T.noGrad(() => Float64Array.from(net.forward(withUnknown).values.data))
        net.unknownValue.data[0] = saved
        return v
      }
      const h = 1e-6
      const [plus, minus] = [valuesAt(h), valuesAt(-h)]
      const slope = net.unknownTangent.data[0]! // the leaves' tangent: values move along x by slope per unit
      for (const level of withUnknown.levels)
        for (let j = 0; j < level.count; j++) {
          const row = level.start + j
          const numeric = (((plus[row] as number) - (minus[row] as number)) / (2 * h)) * slope
          if (!Number.isFinite(numeric) || Math.abs(numeric) > 1e6) continue
          const t = tangents[row] as number
          expect(Math.abs(t - numeric), `row ${row}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(numeric)))
        }
    }
  })
})
