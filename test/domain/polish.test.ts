import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { equals } from "../../src/domain/Expr.js"
import type { Expr } from "../../src/domain/Expr.js"
import { formatFloat, parse, print } from "../../src/domain/Polish.js"
import { anyExpr } from "../support/arbitraries.js"

const ok = (s: string): Expr => Either.getOrThrow(parse(s))
const err = (s: string) => {
  const r = parse(s)
  if (Either.isRight(r)) throw new Error(`expected a parse error for ${s}`)
  return r.left
}

describe("Polish", () => {
  it("parse ∘ print is the identity on every expression", () => {
    fc.assert(
      fc.property(anyExpr, (e) => {
        const back = parse(print(e))
        expect(Either.isRight(back) && equals(back.right, e)).toBe(true)
      }),
      { numRuns: 500 }
    )
  })

  it("print ∘ parse is stable on printed text", () => {
    fc.assert(fc.property(anyExpr, (e) => {
      expect(print(ok(print(e)))).toBe(print(e))
    }), { numRuns: 300 })
  })

  it("keeps Integer, Float and Rational distinct", () => {
    expect(ok("2")._tag).toBe("Integer")
    expect(ok("2.0")._tag).toBe("Float")
    expect(ok("1/3")).toEqual({ _tag: "Rational", num: 1n, den: 3n })
    expect(ok("(^ 2 64)")).toEqual({ _tag: "Op", op: "^", args: [{ _tag: "Integer", value: 2n }, { _tag: "Integer", value: 64n }] })
    expect(print(ok("18446744073709551616"))).toBe("18446744073709551616")
  })

  it("reads negation as a one-argument minus and prints it back", () => {
    expect(ok("(- x)")).toEqual({ _tag: "Op", op: "-", args: [{ _tag: "Symbol", name: "x" }] })
    expect(print(ok("(- x)"))).toBe("(- x)")
    expect(ok("-3")).toEqual({ _tag: "Integer", value: -3n })
  })

  it("prints floats so that they read back as floats", () => {
    expect(formatFloat(2)).toBe("2.0")
    expect(formatFloat(1e21)).toBe("1.0e21")
    expect(formatFloat(1.5e-7)).toBe("1.5e-7")
    expect(formatFloat(-0)).toBe("-0.0")
  })

  it("normalises whitespace", () => {
    expect(print(ok("  ( +\t1\n (* 2 3) )  "))).toBe("(+ 1 (* 2 3))")
  })

  it.each([
    ["(+ 1", 4, '")"', "end of input"],
    ["(+ 1 2))", 7, "end of input", '")"'],
    ["(foo 1)", 1, 'an operator or function name after "("', '"foo"'],
    ["(sin 1 2)", 8, 'exactly 1 argument for "sin"', "2"],
    ["(+ 1)", 4, 'at least 2 arguments for "+"', "1"],
    ["", 0, "an expression", "end of input"],
    ["(+ 1 #)", 5, 'a number, a symbol or "("', '"#"'],
    ["(derive x 2)", 1, 'a variable as the second argument of "derive"', "another expression"],
    ["(integrate x x 1)", 16, '2 or 4 arguments for "integrate"', "3"],
    ["1/0", 0, "a rational with a nonzero denominator", '"1/0"'],
    ["sin", 0, 'an expression (the function name "sin" may only stand after "(")', '"sin"']
  ])("%s fails at position %i expecting %s", (text, position, expected, found) => {
    const e = err(text)
    expect({ position: e.position, expected: e.expected, found: e.found }).toEqual({ position, expected, found })
    expect(e.message).toContain(`position ${position}`)
  })

  it("parses and prints a 10,000-deep expression without recursion", () => {
    let text = "1"
    for (let i = 0; i < 10_000; i++) text = `(+ ${text} 1)`
    expect(print(ok(text))).toBe(text)
  })
})

describe("shared leaves (datasets hold hundreds of thousands of trees)", () => {
  it("a symbol or a small integer is one object however often it is parsed; large integers are not kept", () => {
    const a = Either.getOrThrow(parse("(+ x 3 123456789012345678901234567890)")) as Extract<Expr, { _tag: "Op" }>
    const b = Either.getOrThrow(parse("(* 3 x 123456789012345678901234567890)")) as Extract<Expr, { _tag: "Op" }>
    expect(a.args[0]).toBe(b.args[1])
    expect(a.args[1]).toBe(b.args[0])
    expect(a.args[2]).not.toBe(b.args[2])
    expect(equals(a.args[2]!, b.args[2]!)).toBe(true)
  })
})
