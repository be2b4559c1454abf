/**
 * The form's arrangement of AC arguments (src/layers/brain/simplify/form.ts): under the
 * kind-rank orders, arguments of the same kind follow the fitted comparator.
 */
import { describe, expect, it } from "vitest"
import { op, sym } from "../../src/domain/Expr.js"
import { print } from "../../src/domain/Polish.js"
import { emptyScorer, ORDERS, present } from "../../src/layers/brain/simplify/form.js"

describe("the form's arrangement of AC arguments", () => {
  it("orders arguments of the same kind by the fitted comparator under the rank orders", () => {
    const scorer = emptyScorer()
    // Feature 5 (an argument's text), ascending: the only thing the comparator was fitted to.
    scorer.comparator.set("*", [[5, 1]])
    const e = op("*", sym("z"), sym("x"), sym("y"))
    const flat = (order: string) => () => ORDERS.indexOf(order as never)
    expect(print(present(e, new Set(["*"]), scorer, flat("rank")))).toBe("(* x y z)")
    expect(print(present(e, new Set(["*"]), scorer, flat("reverse")))).toBe("(* x y z)")
    // As left: the order they came in.
    expect(print(present(e, new Set(["*"]), scorer, flat("keep")))).toBe("(* z x y)")
  })
})
