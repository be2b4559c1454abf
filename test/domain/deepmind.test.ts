/** DeepMind mathematics_dataset questions (templates of its modules/*.py) → our inputs. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { convertDeepmind } from "../../src/domain/DeepMind.js"
import { print } from "../../src/domain/Polish.js"
import { floatEval } from "../support/floatEval.js"

const convert = (module: string, q: string, a: string) => convertDeepmind(module, q, a)
const polishOf = (module: string, q: string, a: string) => {
  const r = convert(module, q, a)
  if (Either.isLeft(r)) throw new Error(`${q}: ${r.left}`)
  return { level: r.right.level, input: print(r.right.input), bindings: r.right.bindings, answer: print(r.right.answer) }
}

/** arithmetic.py's two-number templates, with what each asks for (written from the templates, not from our code). */
const pairTemplates: ReadonlyArray<readonly [string, (p: number, q: number) => number]> = [
  ["{p} + {q}", (p, q) => p + q], ["{p}+{q}", (p, q) => p + q], ["Work out {p} + {q}.", (p, q) => p + q],
  ["Add {p} and {q}.", (p, q) => p + q], ["Put together {p} and {q}.", (p, q) => p + q], ["Sum {p} and {q}.", (p, q) => p + q],
  ["Total of {p} and {q}.", (p, q) => p + q], ["Add together {p} and {q}.", (p, q) => p + q], ["What is {p} plus {q}?", (p, q) => p + q],
  ["Calculate {p} + {q}.", (p, q) => p + q], ["What is {p} + {q}?", (p, q) => p + q],
  ["{p} - {q}", (p, q) => p - q], ["Work out {p} - {q}.", (p, q) => p - q], ["What is {p} minus {q}?", (p, q) => p - q],
  ["What is {p} take away {q}?", (p, q) => p - q], ["What is {q} less than {p}?", (p, q) => p - q],
  ["Subtract {q} from {p}.", (p, q) => p - q], ["Calculate {p} - {q}.", (p, q) => p - q], ["What is {p} - {q}?", (p, q) => p - q],
  ["What is the distance between {p} and {q}?", (p, q) => Math.abs(p - q)], ["What is the difference between {q} and {p}?", (p, q) => Math.abs(p - q)],
  ["{p}*{q}", (p, q) => p * q], ["{p} * {q}", (p, q) => p * q], ["Calculate {p}*{q}.", (p, q) => p * q], ["Work out {p} * {q}.", (p, q) => p * q],
  ["Multiply {p} and {q}.", (p, q) => p * q], ["Product of {p} and {q}.", (p, q) => p * q], ["What is the product of {p} and {q}?", (p, q) => p * q],
  ["{p} times {q}", (p, q) => p * q], ["What is {p} times {q}?", (p, q) => p * q],
  ["Divide {p} by {q}.", (p, q) => p / q], ["{p} divided by {q}", (p, q) => p / q], ["What is {p} divided by {q}?", (p, q) => p / q],
  ["Calculate {p} divided by {q}.", (p, q) => p / q]
]

const decimal = fc.oneof(
  fc.integer({ min: -9999, max: 9999 }).map(String),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: 1, max: 99 })).map(([i, f]) => `${i < 0 ? "-" : ""}${Math.abs(i)}.${f}`)
)

describe("DeepMind questions", () => {
  it("every two-number arithmetic template asks what arithmetic.py says", () => {
    fc.assert(
      fc.property(fc.constantFrom(...pairTemplates), decimal, decimal, ([template, meaning], p, q) => {
        fc.pre(Number(q) !== 0)
        const question = template.replace("{p}", p).replace("{q}", q)
        const r = convert("arithmetic__add_or_sub", question, "0")
        expect(Either.isRight(r), question).toBe(true)
        if (Either.isRight(r)) {
          const want = meaning(Number(p), Number(q))
          expect(Math.abs(floatEval(r.right.input) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)))
        }
      }),
      { numRuns: 1000 }
    )
  })

  it.each([
    ["arithmetic__add_or_sub", "What is -2 + 0.5?", "-1.5", 1, "(+ -2 0.5)"],
    ["arithmetic__mul", "Calculate 5*-2.", "-10", 2, "(* 5 -2)"],
    ["arithmetic__div", "Calculate -4 divided by 3.", "-4/3", 2, "(/ -4 3)"],
    ["arithmetic__mixed", "What is (-2)/(-4)*(-16)/6?", "-4/3", 2, "(/ (* (/ -2 -4) -16) 6)"],
    ["arithmetic__add_sub_multiple_longer", "What is -2 - (-5 - -3 - 1)?", "1", 2, "(- -2 (- -5 -3 1))"],
    ["arithmetic__mul_div_multiple", "Evaluate (-14)/(-6)*2/(-7).", "-2/3", 2, "(/ (* (/ -14 -6) 2) -7)"],
    ["polynomials__evaluate", "Let t(g) = -g**3 - 6*g**2 + 5*g + 4. Determine t(-7).", "18", 3, "(+ (- (- (^ x 3)) (* 6 (^ x 2))) (* 5 x) 4)"],
    ["calculus__differentiate", "Differentiate -2*b**3 + b - 7 wrt b.", "-6*b**2 + 1", 5, "(derive (- (+ (* -2 (^ b 3)) b) 7) b)"],
    ["calculus__differentiate", "What is the second derivative of 3*b**4 - 2*b**2 + 11*b wrt b?", "36*b**2 - 4", 5,
      "(derive (derive (+ (- (* 3 (^ b 4)) (* 2 (^ b 2))) (* 11 b)) b) b)"],
    ["calculus__differentiate", "Find the third derivative of -x**5 + 2*x**3 wrt x.", "-60*x**2 + 12", 5,
      "(derive (derive (derive (+ (- (^ x 5)) (* 2 (^ x 3))) x) x) x)"],
    ["calculus__differentiate", "What is the derivative of -2*a**2*c + 3*a*c**2 wrt a?", "-4*a*c + 3*c**2", 5,
      "(derive (+ (* -2 (^ a 2) c) (* 3 a (^ c 2))) a)"],
    ["calculus__differentiate", "Differentiate 13*q**2 - 4*q + 2.", "26*q - 4", 5, "(derive (+ (- (* 13 (^ q 2)) (* 4 q)) 2) q)"],
    ["algebra__linear_1d", "Solve -8*x - 48 = -16*x for x.", "6", 7, "(solve (= (- (* -8 x) 48) (* -16 x)) x)"],
    ["algebra__linear_1d", "Solve 0 = -2*d - 7 + 17 for d.", "5", 7, "(solve (= 0 (+ (- (* -2 x) 7) 17)) x)"]
  ])("%s: %s", (module, question, answer, level, input) => {
    const r = polishOf(module, question, answer)
    expect(r.level).toBe(level)
    expect(r.input).toBe(input)
  })

  it("keeps the dataset's answer exactly, and binds a polynomial's argument", () => {
    expect(polishOf("arithmetic__div", "7 divided by 21", "1/3").answer).toBe("1/3")
    expect(polishOf("calculus__differentiate", "Differentiate -2*b**3 + b - 7 wrt b.", "-6*b**2 + 1").answer).toBe("(+ (* -6 (^ b 2)) 1)")
    expect(polishOf("polynomials__evaluate", "Let v(m) = -m**2 - 7*m - 5. Calculate v(-6).", "1").bindings).toEqual([["x", -6]])
  })

  it.each([
    ["arithmetic__add_or_sub", "In base 7, what is 15 + -4?", "11", "question not in a known template"],
    ["arithmetic__mixed", "What is x + 2?", "5", "not an arithmetic expression of numbers"],
    ["polynomials__evaluate", "Let f(x) = 2*x + y. Give f(3).", "7", "a symbol other than the variable (y)"],
    ["calculus__differentiate", "Differentiate a*b.", "b", "the variable is not named and the function has several symbols"],
    ["algebra__linear_1d", "Solve 2*x + 1 = y for x.", "1", "a symbol other than the variable (y)"],
    ["numbers__gcd", "What is the greatest common divisor of 6 and 4?", "2", "not a module whose skill the curriculum teaches"],
    ["arithmetic__mul", "What is 2 times 3?", "six", "the answer is not a number"],
    ["arithmetic__mul", "What is 2 times 3?", "6 +", "the answer is not a number or a formula we read"]
  ])("%s: %s is refused (%s)", (module, question, answer, reason) => {
    expect(convert(module, question, answer)).toEqual(Either.left(reason))
  })
})
