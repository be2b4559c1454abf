/**
 * featurize's bookkeeping: row numbering (absent-child slot, leaves, then height by
 * height), n-ary folds, bindings, per-node targets — and canFeaturize agreeing with it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { parse } from "../../src/domain/Polish.js"
import { canFeaturize, featurize, freeSymbols, hasUnboundSymbol, unknownOf } from "../../src/layers/brain/featurize.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import { builtinLevels } from "../../src/plugins/index.js"
import { Rng } from "../../src/domain/Random.js"

const expr = (text: string) => Either.getOrThrow(parse(text))

describe("featurize", () => {
  it("numbers rows: absent-child slot, leaves, then each height level; folds n-ary heads", () => {
    const e = expr("(+ (* 2 x) 3 (- 4))")
    const f = featurize([{ expr: e, bindings: [["x", 5]] }], [subtreeValues(e, [["x", 5]])])
    // leaves in creation order: 2, x, 3, 4 → rows 1..4
    expect(f.leafCount).toBe(5)
    // a bound symbol reads its binding's value (a pointer by name)
    expect(Array.from(f.leafValues)).toEqual([1, 2, 5, 3, 4])
    expect(Array.from(f.symbolLeafRow)).toEqual([2])
    expect(Array.from(f.symbolLeafBinding)).toEqual([0])
    // height 1: (* 2 x) row 5, (- 4) row 6; height 2: (+ (* 2 x) 3) row 7; height 3: root row 8
    expect(f.levels.map((l) => [l.start, l.count])).toEqual([[5, 2], [7, 1], [8, 1]])
    const [l1, l2, l3] = f.levels
    expect(Array.from(l1!.child0)).toEqual([1, 4])
    expect(Array.from(l1!.child1)).toEqual([2, 0]) // one-argument head reads the absent-child slot
    expect(Array.from(l2!.child0)).toEqual([5])
    expect(Array.from(l2!.child1)).toEqual([3])
    expect(Array.from(l3!.child0)).toEqual([7])
    expect(Array.from(l3!.child1)).toEqual([6])
    expect(l3!.head[0]).toBe(headRow(e as Extract<typeof e, { _tag: "Op" }>, 2))
    expect(Array.from(f.roots)).toEqual([8])
    // targets: every number leaf, the bound symbol, every (folded) operator subtree
    expect(Array.from(f.nodeTargets!)).toEqual([NaN, 2, 5, 3, 4, 10, -4, 13, 9])
  })

  it("folds ^ to the right", () => {
    const f = featurize([{ expr: expr("(^ 2 3 2)"), bindings: [] }])
    // (^ 2 (^ 3 2)): the inner node is at height 1 and is the root's second child
    expect(f.levels.map((l) => l.count)).toEqual([1, 1])
    expect(Array.from(f.levels[0]!.child0)).toEqual([2])
    expect(Array.from(f.levels[1]!.child1)).toEqual([f.levels[0]!.start])
  })

  it("canFeaturize is true exactly when featurize accepts the input", () => {
    for (const level of builtinLevels) {
      const rng = Rng.seeded(3, level.level)
      for (let i = 0; i < 200; i++) {
        const p = level.generate(rng)
        let accepted = true
        try {
          featurize([{ expr: p.input, bindings: p.bindings ?? [] }])
        } catch {
          accepted = false
        }
        expect(canFeaturize(p.input)).toBe(accepted)
      }
    }
  })

  it("hasUnboundSymbol is featurize's hasUnbound for one input (every level, partial bindings)", () => {
    const inputs = builtinLevels.flatMap((level) => {
      const rng = Rng.seeded(5, level.level)
      return Array.from({ length: 100 }, () => level.generate(rng))
        .filter((p) => canFeaturize(p.input))
        .flatMap((p) => {
          const bindings = p.bindings ?? []
          // Also with the last binding dropped: a symbol that was bound becomes free or the unknown.
          return [{ expr: p.input, bindings }, { expr: p.input, bindings: bindings.slice(0, -1) }]
        })
    })
    expect(inputs.some((i) => hasUnboundSymbol(i))).toBe(true)
    expect(inputs.some((i) => !hasUnboundSymbol(i) && i.bindings.length > 0)).toBe(true)
    for (const input of inputs) expect(hasUnboundSymbol(input)).toBe(featurize([input]).hasUnbound)
  })

  it("reads a symbol by its exact name, whatever the name: no two names share a value", () => {
    // Names that a hashed name table would have put on one row read their own bindings.
    const names = Array.from({ length: 300 }, (_, i) => `q${i}`)
    const inputs = names.map((name, i) => ({ expr: expr(`(+ ${name} 1)`), bindings: [["zz", -1], [name, i + 0.5]] as Array<[string, number]> }))
    const f = featurize(inputs)
    expect(f.hasUnbound).toBe(false)
    f.symbolLeafRow.forEach((row, s) => {
      expect(f.leafValues[row]).toBe(s + 0.5)
      expect(f.symbolLeafBinding[s]).toBe(1)
    })
  })

  it("the unknown is the symbol the root's argument names; other unbound symbols are free (NaN)", () => {
    const input = { expr: expr("(solve (= (* a t) (+ t b)) t)"), bindings: [["b", 2]] as Array<[string, number]> }
    expect(unknownOf(input)).toBe("t")
    expect(freeSymbols(input)).toEqual(["a"])
    const f = featurize([input])
    const values = Array.from(f.symbolLeafRow, (row) => f.leafValues[row])
    const unknown = Array.from(f.symbolLeafUnbound)
    // leaves in order a, t, t, b, t: a is free, t the unknown (value 0, its pair is learned), b bound
    expect(unknown).toEqual([0, 1, 1, 0, 1])
    expect(values).toEqual([NaN, 0, 0, 2, 0])
    expect(unknownOf({ expr: expr("(+ x 3)"), bindings: [] })).toBeUndefined()
    expect(unknownOf({ expr: expr("(derive (* k o) k)"), bindings: [] })).toBe("k")
    expect(freeSymbols({ expr: expr("(derive (* k o) k)"), bindings: [] })).toEqual(["o"])
  })
})
