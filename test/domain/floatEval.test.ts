/**
 * The one float evaluator (src/domain/FloatEval.ts) against the test suite's independent
 * one, and its `strict` reading (an operator that overflows makes the value undefined).
 */
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { numberValue, rationalToNumber } from "../../src/domain/Expr.js"
import { evalFloat } from "../../src/domain/FloatEval.js"
import { parse as parseEither } from "../../src/domain/Polish.js"
import { realExpr } from "../support/arbitraries.js"
import { close, floatEval } from "../support/floatEval.js"

const parse = (text: string) => Either.getOrThrow(parseEither(text))
const at = (text: string, x: number, strict = false): number => evalFloat(parse(text), { x }, { strict })

describe("evalFloat", () => {
  it("agrees with the independent evaluator where both are defined", () => {
    fc.assert(
      fc.property(realExpr(), fc.double({ min: -3, max: 3, noNaN: true }), (e, x) => {
        const env = { x, y: 0.7 }
        const a = evalFloat(e, env)
        const b = floatEval(e, env)
        if (Number.isFinite(a) && Number.isFinite(b)) assert.isTrue(close(a, b, 1e-9), `${a} vs ${b}`)
      }),
      { numRuns: 500 }
    )
  })

  it("carries ∞ on by default, and is NaN at an overflowing operator when strict", () => {
    assert.strictEqual(at("(/ 1 (^ (exp x) 2))", 400), 0)
    assert.isNaN(at("(/ 1 (^ (exp x) 2))", 400, true))
    // A function's overflow is carried on either way: 1/exp(800) = 0.
    assert.strictEqual(at("(/ 1 (exp x))", 800, true), 0)
    assert.isNaN(at("(exp x)", 800, true))
    assert.strictEqual(at("(+ (* x x) 1)", 3, true), 10)
  })

  it("never throws: undefined values and unknown symbols are NaN", () => {
    assert.isNaN(at("(/ 1 (- x x))", 2))
    assert.isNaN(at("(ln (- x 5))", 2))
    assert.isNaN(evalFloat(parse("(+ y 1)")))
    assert.strictEqual(evalFloat(parse("(* 2 pi)")), 2 * Math.PI)
  })
})

describe("numbers as doubles", () => {
  it("numberValue reads every number node, and nothing else", () => {
    assert.strictEqual(numberValue(parse("3")), 3)
    assert.strictEqual(numberValue(parse("-1/4")), -0.25)
    assert.strictEqual(numberValue(parse("2.5")), 2.5)
    assert.isUndefined(numberValue(parse("x")))
    assert.strictEqual(rationalToNumber(1n, 3n), 1 / 3)
  })
})
