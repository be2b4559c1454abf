import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { toJson } from "../../src/domain/ExprJson.js"
import { parse, print } from "../../src/domain/Polish.js"
import type { Example } from "../../src/domain/Example.js"
import { labelled, quietSubtreeValues } from "../../src/layers/trainer/examples.js"
import { subtreeValues } from "../../src/layers/brain/targets.js"

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

describe("subtree values of a labelled line", () => {
  it("are the Engine's values of the subtrees that have one, the same as subtreeValues", () => {
    // An equation: every subtree holding x fails to evaluate (and is left out), the others are kept.
    const equation = { ...line("(= (+ (* 2 x) (* 3 4)) 20)", 4, null), level: 7 } as Example
    const expr = Either.getOrThrow(parse(equation.input_polish))
    const values = labelled(equation, { subtrees: true, numberOnly: true }).subtreeValues
    expect(values).toEqual(subtreeValues(expr, []))
    expect([...values!.entries()]).toEqual([["(* 3 4)", 12]])
  })

  it("are computed without capturing the Engine errors' stacks, and the stack limit is restored (even after a throw)", () => {
    const before = Error.stackTraceLimit
    let seen: number | undefined
    // evaluate() reads the bindings (into a Map) while the subtrees are evaluated: the limit in force then.
    const bindings: ReadonlyArray<readonly [string, number]> = [["x", 1]]
    const observed = new Proxy(bindings, {
      get: (target, key, receiver) => {
        if (key === Symbol.iterator) seen = Error.stackTraceLimit
        return Reflect.get(target, key, receiver)
      }
    })
    expect(quietSubtreeValues(Either.getOrThrow(parse("(+ x 1)")), observed)).toEqual(new Map([["(+ x 1)", 2]]))
    expect(seen).toBe(0)
    expect(Error.stackTraceLimit).toBe(before)
    expect(() => quietSubtreeValues(undefined as never, [])).toThrow()
    expect(Error.stackTraceLimit).toBe(before)
  })
})
