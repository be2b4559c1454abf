/**
 * Exact folding over the discovered roles (src/layers/brain/simplify/exact.ts): numbers
 * however large, each part of the arithmetic used only where the evaluator confirms it.
 */
import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { op, rational, sym } from "../../src/domain/Expr.js"
import { Rng } from "../../src/domain/Random.js"
import type { FeaturizedBatch } from "../../src/layers/brain/featurize.js"
import { confirmArithmetic, exactValue, faithfulAgrees, toExpr, type Arithmetic } from "../../src/layers/brain/simplify/exact.js"
import { foldConstants } from "../../src/layers/brain/simplify/fold.js"
import { associativeCommutative } from "../../src/layers/brain/simplify/discover.js"
import { discoverRoles, type Roles } from "../../src/layers/brain/simplify/roles.js"
import { headRow, heads } from "../../src/layers/brain/vocabulary.js"
import { floatEvaluator } from "./floatEvaluator.js"

const n = (v: number | bigint): Expr => rational(BigInt(v), 1n)
const q = (a: number, b: number): Expr => rational(BigInt(a), BigInt(b))

/** The float evaluator with the product off by a relative 1e−6: an evaluator whose product is not exact multiplication. */
const skewedProduct = (batch: FeaturizedBatch): Float64Array => {
  const v = floatEvaluator(batch)
  for (const level of batch.levels)
    for (let j = 0; j < level.count; j++)
      if (heads[level.head[j] as number] === "*/2") {
        const k = level.start + j
        v[k] = v[level.child0[j] as number]! * v[level.child1[j] as number]! * (1 + 1e-6)
      }
  return v
}

const rows = ["+", "-", "*", "/", "^"].map((h) => headRow(op(h as never, sym("x"), sym("y")) as never, 2)).concat([headRow(op("-", sym("x")) as never, 1)])
const rng = Rng.seeded(3)
const roles = discoverRoles(rows, associativeCommutative(rows, floatEvaluator, rng), floatEvaluator, rng) as Roles
const arithmetic: Arithmetic = confirmArithmetic(roles, floatEvaluator, Rng.seeded(4))

describe("exact folding over the discovered roles", () => {
  it("computes constant subtrees exactly, however large, over the confirmed parts only", () => {
    expect(Object.values(arithmetic).every((r) => r >= 0)).toBe(true)
    const value = (e: Expr) => {
      const v = exactValue(arithmetic, e)
      return v === undefined ? undefined : toExpr(v)
    }
    expect(value(op("^", n(9), n(55)))).toEqual(n(9n ** 55n))
    expect(value(op("*", op("^", n(3486784401), n(2)), n(2)))).toEqual(n(2n * 3486784401n ** 2n))
    expect(value(op("*", q(-1, 320), q(-1, 8)))).toEqual(q(1, 2560))
    expect(value(op("^", n(0), n(5)))).toEqual(n(0))
    expect(value(op("-", op("/", n(2), n(3)), op("-", q(1, 3))))).toEqual(n(1))
    expect(value(op("^", q(2, 3), n(-2)))).toEqual(q(9, 4))
    // Undefined, not exact, not over a role, or too large: left to the evaluator.
    expect(value(op("/", n(1), n(0)))).toBeUndefined()
    expect(value(op("^", n(0), n(-1)))).toBeUndefined()
    expect(value(op("^", n(4), q(1, 2)))).toBeUndefined()
    expect(value(op("+", n(1), { _tag: "Float", value: 0.5 }))).toBeUndefined()
    expect(value({ _tag: "Fn", fn: "sin", args: [n(1)] } as Expr)).toBeUndefined()
    expect(value(op("^", n(9), n(1000)))).toBeUndefined()
  })

  it("uses no part of the arithmetic its evaluator refutes", () => {
    const skewed = confirmArithmetic(roles, skewedProduct, Rng.seeded(4))
    expect(skewed.product).toBe(-1)
    // The quotient and the power are products too; the sum and the difference stand.
    expect(skewed.sum).toBe(roles.sum)
    expect(skewed.difference).toBe(roles.difference)
    expect(exactValue(skewed, op("*", n(2), n(3)))).toBeUndefined()
  })

  it("folds a value only where the evaluator, reading it faithfully, agrees", () => {
    const exact = (e: Expr) => {
      const v = exactValue(arithmetic, e)
      return v === undefined ? undefined : { expr: toExpr(v), agrees: (x: number) => faithfulAgrees(v, x) }
    }
    const e = op("*", sym("x"), op("*", q(-1, 320), q(-1, 8)), op("^", n(3486784401), n(2)))
    const [folded] = foldConstants([e], floatEvaluator, () => true, exact)
    expect(folded).toEqual(op("*", sym("x"), q(1, 2560), n(3486784401n ** 2n)))
    // Without the exact arithmetic, 1/2560 is no small rational to the evaluator's reading.
    expect(foldConstants([e], floatEvaluator, () => true)[0]).toEqual(op("*", sym("x"), op("*", q(-1, 320), q(-1, 8)), op("^", n(3486784401), n(2))))
    // An evaluator that disagrees within the range it reads faithfully keeps the subtree (1/2560 is no small rational to it either).
    const [kept] = foldConstants([op("*", sym("x"), op("*", q(-1, 320), q(-1, 8)))], skewedProduct, () => true, exact)
    expect(kept).toEqual(op("*", sym("x"), op("*", q(-1, 320), q(-1, 8))))
    expect(faithfulAgrees({ num: 0n, den: 1n }, 8.8e-37)).toBe(true)
    expect(faithfulAgrees({ num: 1n, den: 2560n }, 1 / 2560 + 1e-9)).toBe(false)
  })
})
