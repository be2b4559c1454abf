import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { answerLine, formatAnswer } from "../../src/layers/trainer/repl.js"
import { brain } from "../brain/support.js"

const model = brain(1)

describe("the REPL's answer to one line", () => {
  it("shows the brain's answer, the Engine's and a verdict", () => {
    // An untrained brain has learned no unit: it gives no answer and says why, still graded.
    const r = answerLine(model, "(+ x 3) x=2")
    expect(r).toEqual(Either.right({ brain: "—", engine: "5", verdict: "no answer", reason: "it never learned a unit for +/2" }))
    expect(formatAnswer(Either.getOrThrow(r))).toBe("brain:  —\nengine: 5\n· no answer (it never learned a unit for +/2; counts as wrong)")
    const d = Either.getOrThrow(answerLine(model, "(integrate (^ x 2) x 0 3)"))
    expect(d).toEqual({ brain: "—", engine: "9", verdict: "no answer", reason: "it has learned no rule that answers this" })
    const untrained = Either.getOrThrow(answerLine(model, "(derive (^ x 2) x)"))
    expect(untrained.engine).toBe("(* 2 x)")
    expect(untrained.verdict).toBe("no answer")
  })

  it("turns bad input into one error line", () => {
    expect(answerLine(model, "(+ 1")).toEqual(Either.left('parse error at position 4: expected ")", found end of input'))
    expect(answerLine(model, "(/ 5 0)")).toEqual(Either.left("the Engine refuses it: division by zero"))
  })

  it("survives any garbage", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (line) => {
        const r = answerLine(model, line)
        expect(Either.isLeft(r) || Either.isRight(r)).toBe(true)
      }),
      { numRuns: 500 }
    )
    fc.assert(
      fc.property(fc.array(fc.constantFrom("(", ")", "+", "x", "1", " ", "=", "-", "sin", "2.5", "/"), { maxLength: 20 }), (parts) => {
        const r = answerLine(model, parts.join(""))
        expect(Either.isLeft(r) || Either.isRight(r)).toBe(true)
      }),
      { numRuns: 500 }
    )
  })
})
