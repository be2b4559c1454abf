import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import type { Expr } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { evaluate } from "../../src/layers/engine/evaluate.js"
import { EngineError } from "../../src/services/Engine.js"
import { realExpr } from "../support/arbitraries.js"
import { close, floatEval } from "../support/floatEval.js"

const ev = (s: string, bindings?: ReadonlyArray<readonly [string, number]>) =>
  print(evaluate(Either.getOrThrow(parse(s)), bindings))
const reason = (s: string, bindings?: ReadonlyArray<readonly [string, number]>) => {
  try {
    evaluate(Either.getOrThrow(parse(s)), bindings)
  } catch (e) {
    if (e instanceof EngineError) return e.reason
    throw e
  }
  return "no error"
}

describe("evaluate", () => {
  it("does the edge cases of the original's dataset document", () => {
    expect(ev("(- 0.1 0.1 0.1)")).toBe("-0.1")
    expect(ev("(^ 2 64)")).toBe("18446744073709551616")
    expect(ev("(/ 1 3)")).toBe("1/3")
    expect(ev("(* (/ 1 3) 3)")).toBe("1")
    expect(reason("(/ 5 0)")).toBe("DivisionByZero")
    expect(ev("(+ (+ (+ (+ 1 1) 1) 1) 1)")).toBe("5")
  })

  it("evaluates a 10,000-deep expression", () => {
    let text = "1"
    for (let i = 0; i < 10_000; i++) text = `(+ ${text} 1)`
    expect(ev(text)).toBe("10001")
  })

  it("stays exact through rational arithmetic and exact roots", () => {
    expect(ev("(+ 1/2 1/3)")).toBe("5/6")
    expect(ev("(^ 2/3 -2)")).toBe("9/4")
    expect(ev("(sqrt 9/16)")).toBe("3/4")
    expect(ev("(^ -8 1/3)")).toBe("-2")
    expect(ev("(^ 27 2/3)")).toBe("9")
    expect(ev("(log 1000)")).toBe("3")
    expect(ev("(% 7 3)")).toBe("1")
    expect(ev("(% -7 3)")).toBe("-1")
    expect(ev("(floor -5/2)")).toBe("-3")
    expect(ev("(ceil -5/2)")).toBe("-2")
    expect(ev("(abs -4/3)")).toBe("4/3")
    expect(ev("(- 7)")).toBe("-7")
  })

  it("turns to floating point where a function forces it", () => {
    expect(ev("(sqrt 2)")).toBe("1.4142135623730951")
    expect(ev("(sin 0)")).toBe("0")
    expect(ev("(+ 1 0.5)")).toBe("1.5")
    expect(ev("(* 2 pi)")).toBe(String(2 * Math.PI))
  })

  it("uses bindings", () => {
    expect(ev("(+ x 3)", [["x", 2]])).toBe("5")
    expect(ev("(* x y)", [["x", 2], ["y", -3]])).toBe("-6")
    expect(ev("(/ x 4)", [["x", 2]])).toBe("1/2")
  })

  it.each([
    ["(/ 5 0)", "DivisionByZero"],
    ["(/ 1 (- 2 2))", "DivisionByZero"],
    ["(% 3 0)", "DivisionByZero"],
    ["(^ 0 -1)", "DivisionByZero"],
    ["(ln 0)", "Domain"],
    ["(log -1)", "Domain"],
    ["(sqrt -1)", "Domain"],
    ["(^ -2 1/2)", "Domain"],
    ["(^ -2.0 0.5)", "Domain"],
    ["(tan (/ pi 2))", "Domain"],
    ["(exp 1000)", "Overflow"],
    ["(* 1e300 1e300)", "Overflow"],
    ["(^ 10 10000000)", "Overflow"],
    ["(+ x 1)", "Unbound"],
    ["(derive x x)", "NotNumeric"]
  ])("%s fails with %s, never NaN or Infinity", (text, expected) => {
    expect(reason(text)).toBe(expected)
  })

  it("agrees with a plain float evaluation wherever both are defined", () => {
    fc.assert(
      fc.property(realExpr(["x", "y"], 4, true), fc.integer({ min: -9, max: 9 }), fc.integer({ min: -9, max: 9 }), (e, x, y) => {
        const plain = floatEval(e, { x, y })
        let exact: Expr
        try {
          exact = evaluate(e, [["x", x], ["y", y]])
        } catch (err) {
          if (!(err instanceof EngineError)) throw err
          // The engine refuses only where the plain evaluation is undefined too, or overflows.
          if (err.reason !== "Overflow") expect(plain).toBeNaN()
          return
        }
        if (Number.isNaN(plain)) return
        const v = exact._tag === "Integer" ? Number(exact.value) : exact._tag === "Rational" ? Number(exact.num) / Number(exact.den) : exact._tag === "Float" ? exact.value : NaN
        expect(close(v, plain, 1e-9)).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })
})
