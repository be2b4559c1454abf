import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { toJson } from "../../src/domain/ExprJson.js"
import { parse, print } from "../../src/domain/Polish.js"
import type { Example } from "../../src/domain/Example.js"
import { labelled } from "../../src/layers/trainer/examples.js"

const line = (polish: string, result: number | null, symbolic: string | null): Example =>
  ({
    id: "L6-1",
    level: 6,
    input_polish: polish,
    input_expr: toJson(Either.getOrThrow(parse(polish))),
    expected_result: result,
    expected_symbolic: symbolic === null ? null : toJson(Either.getOrThrow(parse(symbolic))),
    bindings: []
  }) as unknown as Example

describe("labelled dataset lines", () => {
  it("keep the symbolic answer, unless numberOnly and the line has a number (what the trainer grades)", () => {
    const integral = line("(integrate (^ x 2) x 0 3)", 9, "(/ (^ x 3) 3)")
    expect(print(labelled(integral).expected.symbolic!)).toBe("(/ (^ x 3) 3)")
    expect(labelled(integral, { numberOnly: true }).expected).toEqual({ result: 9, symbolic: null })
    expect(labelled(integral, { numberOnly: true }).target).toEqual({ _tag: "Number", value: 9 })
    const derivative = line("(derive (^ x 2) x)", null, "(* 2 x)")
    expect(print(labelled(derivative, { numberOnly: true }).expected.symbolic!)).toBe("(* 2 x)")
  })
})
