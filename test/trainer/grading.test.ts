/** One grading for the REPL and `validate --model` (src/layers/grading.ts, docs/grading.md). */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import type { Example } from "../../src/domain/Example.js"
import type { Expr } from "../../src/domain/Expr.js"
import { toJson } from "../../src/domain/ExprJson.js"
import { parse, print } from "../../src/domain/Polish.js"
import { defaultGedCosts } from "../../src/domain/ged/index.js"
import { isCorrect } from "../../src/layers/grading.js"
import { labelled } from "../../src/layers/trainer/examples.js"
import { answerLine } from "../../src/layers/trainer/repl.js"
import { scoreLevel } from "../../src/layers/trainer/validateModel.js"
import type { BrainModel } from "../../src/services/Brain.js"

const polish = (s: string): Expr => Either.getOrThrow(parse(s))

/** A brain that answers every input with `answer(input)`. */
const fakeBrain = (answer: (input: Expr) => Expr | undefined): BrainModel =>
  ({ predict: (inputs: ReadonlyArray<{ readonly expr: Expr }>) => inputs.map((i) => answer(i.expr)) }) as unknown as BrainModel

const line = (level: number, input: string, result: number | null, symbolic: string | null): Example => ({
  id: "t-1",
  level,
  input_polish: input,
  input_expr: toJson(polish(input)),
  expected_result: result,
  expected_symbolic: symbolic === null ? null : toJson(polish(symbolic)),
  bindings: []
})

const validateVerdict = (model: BrainModel, l: Example): boolean =>
  scoreLevel(model, l.level, [labelled(l)], defaultGedCosts).accuracy === 1

const replVerdict = (model: BrainModel, input: string): string => Either.getOrThrow(answerLine(model, input)).verdict

describe("grading", () => {
  it("a number question answered by a closed expression of that value is right, within the tolerance", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: -3, max: 3 }), (n, off) => {
        const answer = polish(`(* -1 ${n})`)
        // |p − y| ≤ 1e-3·max(1, |y|): an offset of `off` is within it iff |off| ≤ 1e-3·n
        const expected = -n + off
        expect(isCorrect(answer, { result: expected, symbolic: null })).toBe(Math.abs(off) <= 1e-3 * Math.max(1, Math.abs(expected)))
      }),
      { numRuns: 300 }
    )
  })

  it("an answer that repeats the question, has a free symbol or an unevaluated head is not a number", () => {
    const input = polish("(+ 2 3)")
    expect(isCorrect(polish("(+ 2 3)"), { result: 5, symbolic: null }, input)).toBe(false)
    expect(isCorrect(polish("(+ 3 2)"), { result: 5, symbolic: null }, input)).toBe(true)
    expect(isCorrect(polish("(+ x 5)"), { result: 5, symbolic: null }, input)).toBe(false)
    expect(isCorrect(polish("(derive (* 5 x) x)"), { result: 5, symbolic: null }, input)).toBe(false)
    expect(isCorrect(undefined, { result: 5, symbolic: null }, input)).toBe(false)
  })

  it("the REPL and validate give the same verdict (the brain's (* -1 5752523) for −5752523 is right in both)", () => {
    const model = fakeBrain(() => polish("(* -1 5752523)"))
    expect(replVerdict(model, "(- 5 5752528)")).toBe("correct")
    expect(validateVerdict(model, line(2, "(- 5 5752528)", -5752523, null))).toBe(true)
    // A derivative whose value is a number: the REPL sees the number, a level-5 line the expression.
    const three = fakeBrain(() => polish("(* 3 1)"))
    expect(replVerdict(three, "(derive (* 3 x) x)")).toBe("correct")
    expect(validateVerdict(three, line(5, "(derive (* 3 x) x)", null, "3"))).toBe(true)
  })

  it("the REPL and validate agree on any answer to a number question", () => {
    const answers = fc.oneof(
      fc.integer({ min: -200, max: 200 }).map((k) => polish(String(k))),
      fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constantFrom("*", "+", "-")).map(([k, o]) => polish(`(${o} -1 ${k})`)),
      fc.constant(polish("(+ x 1)")),
      fc.constant(undefined)
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom("+", "-"), answers, (a, b, o, answer) => {
        const input = `(${o} ${a} ${b})`
        const model = fakeBrain(() => answer)
        const repl = replVerdict(model, input)
        const validated = validateVerdict(model, line(1, input, o === "+" ? a + b : a - b, null))
        expect(repl === "correct", `${input} answered ${answer === undefined ? "nothing" : print(answer)}`).toBe(validated)
      }),
      { numRuns: 300 }
    )
  })

  it("the REPL reads infix, with bindings after it, and answers in the notation typed", () => {
    const model = fakeBrain(() => polish("5"))
    expect(Either.getOrThrow(answerLine(model, "x + 3 x=2"))).toEqual({ brain: "5", engine: "5", verdict: "correct" })
    expect(Either.getOrThrow(answerLine(fakeBrain(() => polish("(* 2 x)")), "derive(x^2, x)"))).toEqual({ brain: "2*x", engine: "2*x", verdict: "correct" })
    expect(answerLine(model, "x + 3 x=abc")).toEqual(Either.left('cannot read the binding "x=abc" (write name=number, e.g. x=2)'))
    expect(answerLine(model, "x +")).toEqual(Either.left('parse error at position 3: expected a number, a symbol, a function or "(", found end of input'))
  })
})
