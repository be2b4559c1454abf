/**
 * The form's arrangement of AC arguments (src/layers/brain/simplify/form.ts): under the
 * kind-rank orders, arguments of the same kind follow the fitted comparator.
 */
import { describe, expect, it } from "vitest"
import { op, sym } from "../../src/domain/Expr.js"
import { print } from "../../src/domain/Polish.js"
import type { Expr } from "../../src/domain/Expr.js"
import { int } from "../../src/domain/Expr.js"
import { countPrecedence, emptyScorer, fitComparator, noAnatomy, orderArgs, ORDERS, present, type Anatomy } from "../../src/layers/brain/simplify/form.js"

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

  it("fits the order of a normal form's text where the targets follow it and the printed text does not", () => {
    // A stand-in normal form: a − b read as a + (−1)·b (the simplifier's comes from the evaluator's algebra).
    const normal = (e: Expr): Expr =>
      e._tag !== "Op" ? e : e.op === "-" && e.args.length === 2 ? op("+", normal(e.args[0] as Expr), op("*", int(-1), normal(e.args[1] as Expr))) : op(e.op, ...e.args.map(normal))
    const anatomy: Anatomy = { ...noAnatomy, normalCore: (_, e) => normal(e) }
    const x = sym("x")
    const power = (k: number) => op("^", x, int(k))
    // (x³ − 1)·(x⁴ + 2): by their normal forms (+ (^ x 3) …) before (+ (^ x 4) …); as printed, "(-" after "(+".
    const targets = [3, 5, 7].map((k) => op("*", op("-", power(k), int(1)), op("+", power(k + 1), int(2))))
    const scorer = emptyScorer()
    fitComparator(scorer, targets, new Set(["*"]), anatomy)
    expect(scorer.comparator.get("*")?.[0]).toEqual([6, 1])
    const fresh = [op("+", power(5), int(2)), op("+", power(2), int(1))]
    expect(orderArgs(scorer, "*", fresh, anatomy).map(print)).toEqual(["(+ (^ x 2) 1)", "(+ (^ x 5) 2)"])
    // Fitted on the printed text alone, the targets read as "descending": the other order.
    const plain = emptyScorer()
    fitComparator(plain, targets, new Set(["*"]), noAnatomy)
    expect(orderArgs(plain, "*", fresh, noAnatomy).map(print)).toEqual(["(+ (^ x 5) 2)", "(+ (^ x 2) 1)"])
  })

  it("puts a feature no target contradicts first when that orders more pairs in all (numbers last, before the degree)", () => {
    const x = sym("x")
    const degree = (e: Expr): number =>
      e._tag === "Symbol" ? 1 : e._tag === "Integer" ? 0 : e._tag !== "Op" ? 0.5
        : e.op === "/" ? degree(e.args[0] as Expr) - degree(e.args[1] as Expr)
        : e.op === "^" && (e.args[1] as Expr)._tag === "Integer" ? degree(e.args[0] as Expr) * Number(((e.args[1] as Expr) as { value: bigint }).value)
        : e.op === "*" ? e.args.reduce((d, a) => d + degree(a), 0) : 0.5
    const anatomy: Anatomy = { ...noAnatomy, degree: (e) => degree(e) }
    const quotient = op("/", int(9), op("^", x, int(2)))
    // Degree first orders 6 of these pairs right and 1 wrong; numbers last first, then the degree, all 7.
    const targets = [op("+", op("^", x, int(3)), op("^", x, int(2)), x, int(4)), op("+", quotient, int(4))]
    const scorer = emptyScorer()
    fitComparator(scorer, targets, new Set(["+"]), anatomy)
    expect(orderArgs(scorer, "+", [int(7), op("/", int(1), x), op("^", x, int(5))], anatomy).map(print)).toEqual(["(^ x 5)", "(/ 1 x)", "7"])
  })

  it("counts an argument's kind as its normal form's (a difference is a sum)", () => {
    const normal = (e: Expr): Expr => (e._tag === "Op" && e.op === "-" && e.args.length === 2 ? op("+", e.args[0] as Expr, op("*", int(-1), e.args[1] as Expr)) : e)
    const x = sym("x")
    const targets = [op("*", op("^", x, int(2)), op("-", x, int(1))), op("*", op("^", x, int(3)), op("+", x, int(4)))]
    const scorer = emptyScorer()
    countPrecedence(scorer, targets, new Set(["*"]), { ...noAnatomy, normalCore: (_, e) => normal(e) })
    expect(scorer.precedence.get("*")).toEqual(new Map([["^>+", 2]]))
  })
})
