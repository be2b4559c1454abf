import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import type { Expr } from "../../src/domain/Expr.js"
import { equals } from "../../src/domain/Expr.js"
import { parseInfix, printInfix } from "../../src/domain/Infix.js"
import { parseExpression, printIn } from "../../src/domain/Notation.js"
import { formatFloat, parse, print } from "../../src/domain/Polish.js"
import { anyExpr, realExpr } from "../support/arbitraries.js"
import { floatEval } from "../support/floatEval.js"

const infix = (s: string): Expr => Either.getOrThrow(parseInfix(s))
const polish = (s: string): Expr => Either.getOrThrow(parse(s))
const failure = (s: string) => {
  const r = parseInfix(s)
  if (Either.isRight(r)) throw new Error(`expected a parse error for ${s}, got ${print(r.right)}`)
  return r.left
}

/**
 * An infix writer written separately from printInfix: every node in parentheses, every
 * number too (so signs and fractions never depend on precedence), n-ary runs joined by
 * their operator. Whatever the parser makes of it must be the tree it was written from.
 */
const fullyParenthesised = (e: Expr): string => {
  switch (e._tag) {
    case "Integer":
      return e.value < 0n ? `(-${-e.value})` : `${e.value}`
    case "Float":
      return e.value < 0 || Object.is(e.value, -0) ? `(-${formatFloat(-e.value)})` : formatFloat(e.value)
    case "Rational":
      return `(${e.num}/${e.den})`
    case "Symbol":
      return e.name
    case "Fn":
      return e.fn === "=" ? `(${fullyParenthesised(e.args[0]!)} = ${fullyParenthesised(e.args[1]!)})` : `${e.fn}(${e.args.map(fullyParenthesised).join(", ")})`
    case "Op": {
      const wrapped = e.args.map((a) => `(${fullyParenthesised(a)})`)
      return e.args.length === 1 ? `(-${wrapped[0]})` : `(${wrapped.join(` ${e.op} `)})`
    }
  }
}

describe("Infix", () => {
  it("parseInfix ∘ printInfix is the identity on every expression", () => {
    fc.assert(
      fc.property(anyExpr, (e) => {
        const text = printInfix(e)
        const back = parseInfix(text)
        expect(Either.isRight(back) && equals(back.right, e), text).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })

  it("infix and Polish parse to the same tree (fully parenthesised infix written independently)", () => {
    fc.assert(
      fc.property(anyExpr, (e) => {
        const fromInfix = infix(fullyParenthesised(e))
        expect(equals(fromInfix, polish(print(e))), fullyParenthesised(e)).toBe(true)
      }),
      { numRuns: 500 }
    )
  })

  it("printed infix has the value of the Polish expression", () => {
    fc.assert(
      fc.property(realExpr(["x", "y"], 4, true), fc.double({ min: -3, max: 3, noNaN: true }), (e, x) => {
        const env = { x, y: 0.7 }
        const a = floatEval(infix(printInfix(e)), env)
        const b = floatEval(e, env)
        expect(Object.is(a, b) || a === b).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it.each([
    // SymPy's and mathjs's precedence
    ["-x^2", "(- (^ x 2))"],
    ["-x**2", "(- (^ x 2))"],
    ["2^3^2", "(^ 2 3 2)"],
    ["2^(3^2)", "(^ 2 (^ 3 2))"],
    ["(2^3)^2", "(^ (^ 2 3) 2)"],
    ["2**-1", "(^ 2 -1)"],
    ["-2*x", "(* -2 x)"],
    ["-2^2", "(- (^ 2 2))"],
    ["2*x^2 + 3*x - 1", "(- (+ (* 2 (^ x 2)) (* 3 x)) 1)"],
    ["x**2 + 3*x", "(+ (^ x 2) (* 3 x))"],
    ["a - b - c", "(- a b c)"],
    ["a - (b - c)", "(- a (- b c))"],
    ["(a + b) + c", "(+ (+ a b) c)"],
    ["a*b/c", "(/ (* a b) c)"],
    ["a/b/c", "(/ a b c)"],
    ["7 % 3 % 2", "(% (% 7 3) 2)"],
    ["x*-y", "(* x (- y))"],
    ["5*-2", "(* 5 -2)"],
    ["-(3)", "(- 3)"],
    ["--3", "(- -3)"],
    // numbers
    ["1/3", "1/3"],
    ["-1/3", "-1/3"],
    ["6/4", "3/2"],
    ["1/(3)", "(/ 1 3)"],
    ["1/0", "(/ 1 0)"],
    ["2/3^2", "(/ 2 (^ 3 2))"],
    ["1/3*x", "(* 1/3 x)"],
    ["0.5", "0.5"],
    [".25", "0.25"],
    ["2e3", "2000.0"],
    ["-2.5", "-2.5"],
    ["11786327394545760371", "11786327394545760371"],
    // functions, constants, equations
    ["sin(2*x)", "(sin (* 2 x))"],
    ["ln(x) + log(x)", "(+ (ln x) (log x))"],
    ["2*pi*e", "(* 2 pi e)"],
    ["derive(x^3, x)", "(derive (^ x 3) x)"],
    ["integrate(x^2, x, 0, 1)", "(integrate (^ x 2) x 0 1)"],
    ["solve(2*x + 5 = 13, x)", "(solve (= (+ (* 2 x) 5) 13) x)"],
    ["-8*x - 48 = -16*x", "(= (- (* -8 x) 48) (* -16 x))"]
  ])("%s is %s", (text, expected) => {
    expect(print(infix(text))).toBe(expected)
  })

  it("evaluates as SymPy does", () => {
    const value = (s: string) => floatEval(infix(s))
    expect(value("-2^2")).toBe(-(2 ** 2))
    expect(value("2^3^2")).toBe(2 ** (3 ** 2))
    expect(value("10 - 4 - 3")).toBe(10 - 4 - 3)
    expect(value("2/4/2")).toBe(2 / 4 / 2)
    expect(value("2*3^2")).toBe(2 * 3 ** 2)
    expect(value("(-8)/(-4)*(-3)")).toBe(((-8) / (-4)) * (-3))
  })

  it("prints in SymPy's layout with ^", () => {
    expect(printInfix(polish("(- (+ (* 2 (^ x 2)) (* 3 x)) 1)"))).toBe("2*x^2 + 3*x - 1")
    expect(printInfix(polish("(* 3 (^ x 2))"))).toBe("3*x^2")
    expect(printInfix(polish("(- (^ x 2))"))).toBe("-x^2")
    expect(printInfix(polish("(^ (- x) 2)"))).toBe("(-x)^2")
    expect(printInfix(polish("(+ x -3)"))).toBe("x + (-3)")
    expect(printInfix(polish("(sin (* 2 x))"))).toBe("sin(2*x)")
    expect(printInfix(polish("(solve (= (* 2 x) 4) x)"))).toBe("solve(2*x = 4, x)")
  })

  it.each([
    ["2x", 1, "an operator or end of input", '"x"'],
    ["(1 + 2", 6, '")"', "end of input"],
    ["1 +", 3, 'a number, a symbol, a function or "("', "end of input"],
    ["sin x", 4, '"(" after the function name "sin"', '"x"'],
    ["sin(1, 2)", 8, 'exactly 1 argument for "sin"', "2"],
    ["derive(x, 2)", 0, 'a variable as the second argument of "derive"', "another expression"],
    ["x $ 2", 2, "a number, a symbol, an operator or a parenthesis", '"$"'],
    ["a = b = c", 6, "an operator or end of input", '"="'],
    ["", 0, 'a number, a symbol, a function or "("', "end of input"]
  ])("%s fails at position %i expecting %s", (text, position, expected, found) => {
    const e = failure(text)
    expect({ position: e.position, expected: e.expected, found: e.found }).toEqual({ position, expected, found })
    expect(e.message).toBe(`parse error at position ${position}: expected ${expected}, found ${found}`)
  })

  it("names an unknown function", () => {
    expect(failure("f(3)").expected).toContain("a function of the language (sin, cos")
  })
})

describe("Notation: Polish or infix", () => {
  it("reads Polish when the text starts with a Polish head, infix otherwise", () => {
    fc.assert(
      fc.property(anyExpr, (e) => {
        expect(equals(Either.getOrThrow(parseExpression(print(e))), e)).toBe(true)
        expect(equals(Either.getOrThrow(parseExpression(printInfix(e))), e)).toBe(true)
      }),
      { numRuns: 300 }
    )
    expect(print(Either.getOrThrow(parseExpression("(x + 1)*2")))).toBe("(* (+ x 1) 2)")
  })

  it("reports the error of the notation the text is written in", () => {
    const polishError = parseExpression("(+ 1")
    expect(Either.isLeft(polishError) && polishError.left.message).toBe('parse error at position 4: expected ")", found end of input')
    const infixError = parseExpression("(x + 1")
    expect(Either.isLeft(infixError) && infixError.left.message).toBe('parse error at position 6: expected ")", found end of input')
  })

  it("prints in either notation", () => {
    const e = polish("(* 3 (^ x 2))")
    expect(printIn("polish")(e)).toBe("(* 3 (^ x 2))")
    expect(printIn("infix")(e)).toBe("3*x^2")
  })
})
