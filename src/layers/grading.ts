/**
 * The one grading of an answer, used by `validate --model`, the curriculum's accuracy
 * and the REPL (docs/grading.md):
 *
 * - a number question (the expected answer has a number) is answered right when the
 *   answer's value is within |p − y| ≤ 1e-3·max(1, |y|): a number node, or a closed
 *   expression the Engine evaluates (`(* -1 5752523)` for −5752523), unless that
 *   expression is the question itself (repeating the input answers nothing);
 * - an expression question is answered right when the Engine proves the answer
 *   equivalent to the expected expression;
 * - no answer is never right.
 */
import type { Expr } from "../domain/Expr.js"
import { equals, freeSymbols, isNumber, numberValue } from "../domain/Expr.js"
import { equivalent } from "./engine/equivalent.js"
import { evalFloat } from "../domain/FloatEval.js"

export interface Expected {
  readonly result: number | null
  readonly symbolic: Expr | null
}

/** An answer's number (`numberValue`): undefined when the answer is not a number node. */
export const numberOfAnswer: (e: Expr) => number | undefined = numberValue

export const isCorrectNumber = (prediction: number, expected: number): boolean =>
  Number.isFinite(prediction) && Math.abs(prediction - expected) <= 1e-3 * Math.max(1, Math.abs(expected))

const unevaluatedHeads: ReadonlySet<string> = new Set(["derive", "integrate", "solve", "="])
const hasUnevaluatedHead = (e: Expr): boolean =>
  e._tag === "Fn" ? unevaluatedHeads.has(e.fn) || e.args.some(hasUnevaluatedHead) : e._tag === "Op" && e.args.some(hasUnevaluatedHead)

/** The value of an answer to a number question: a number node, or a closed expression's value; undefined otherwise. */
export const valueOfAnswer = (answer: Expr, input?: Expr): number | undefined => {
  const n = numberOfAnswer(answer)
  if (n !== undefined) return n
  if (freeSymbols(answer).length > 0 || hasUnevaluatedHead(answer)) return undefined
  if (input !== undefined && equals(answer, input)) return undefined
  const v = evalFloat(answer)
  return Number.isFinite(v) ? v : undefined
}

/** The grade of `answer` (the brain's) to the question `input` whose expected answer is `expected`. */
export const isCorrect = (answer: Expr | undefined, expected: Expected, input?: Expr): boolean => {
  if (answer === undefined) return false
  if (expected.result !== null) {
    const p = valueOfAnswer(answer, input)
    return p !== undefined && isCorrectNumber(p, expected.result)
  }
  if (expected.symbolic !== null) {
    try {
      return equivalent(answer, expected.symbolic)
    } catch {
      return false
    }
  }
  return false
}

/**
 * What is expected of an answer when the Engine, not a dataset line, gives it (the REPL):
 * a number when the Engine's answer is one, else the expression. Graded with `isCorrect`,
 * the same verdict as `validate` gives on a line holding that answer.
 */
export const expectedOfEngine = (engineAnswer: Expr): Expected => {
  const value = numberOfAnswer(engineAnswer)
  return value !== undefined && isNumber(engineAnswer) ? { result: value, symbolic: null } : { result: null, symbolic: engineAnswer }
}
