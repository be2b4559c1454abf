/**
 * SPEC §6 accuracy of one answer: a number is correct iff |p − y| ≤ 1e-3·max(1, |y|);
 * an expression iff the Engine proves it equivalent to the expected one. Where the
 * expected answer has a number (levels 1–4, 6, 7), the number is what is graded.
 * No answer is never correct.
 */
import type { Expr } from "../domain/Expr.js"
import { numberValue } from "../domain/Expr.js"
import { equivalent } from "./engine/equivalent.js"

export interface Expected {
  readonly result: number | null
  readonly symbolic: Expr | null
}

/** An answer's number (`numberValue`): undefined when the answer is not a number node. */
export const numberOfAnswer: (e: Expr) => number | undefined = numberValue

export const isCorrectNumber = (prediction: number, expected: number): boolean =>
  Number.isFinite(prediction) && Math.abs(prediction - expected) <= 1e-3 * Math.max(1, Math.abs(expected))

export const isCorrect = (answer: Expr | undefined, expected: Expected): boolean => {
  if (answer === undefined) return false
  if (expected.result !== null) {
    const p = numberOfAnswer(answer)
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
