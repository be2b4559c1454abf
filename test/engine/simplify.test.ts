import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import type { Expr } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { compareKey, normalize, simplify } from "../../src/layers/engine/simplify.js"
import { EngineError } from "../../src/services/Engine.js"
import { anyExpr, gridDouble, realExpr } from "../support/arbitraries.js"
import { floatEvalScaled } from "../support/floatEval.js"

const s = (text: string) => print(simplify(Either.getOrThrow(parse(text))))
const point = gridDouble(-3, 3)

describe("simplify", () => {
  it.each([
    ["(+ x x)", "(* 2 x)"],
    ["(- x x)", "0"],
    ["(+ 1 (* 2 x) (^ x 2))", "(+ (^ x 2) (* 2 x) 1)"],
    ["(+ (+ (+ (+ 1 1) 1) 1) 1)", "5"],
    ["(* 2 (+ x 1))", "(+ (* 2 x) 2)"],
    ["(- (* 2 (+ x 1)) (* 2 x) 2)", "0"],
    ["(* x x x)", "(^ x 3)"],
    ["(/ x x)", "1"],
    ["(* (^ x 2) (^ x -1))", "x"],
    ["(/ x (* 2 y))", "(/ x (* 2 y))"],
    ["(* (* 2 (^ x (- 2 1))) 1)", "(* 2 x)"],
    ["(+ x 0)", "x"],
    ["(* x 1)", "x"],
    ["(* x 0)", "0"],
    ["(^ x 1)", "x"],
    ["(^ x 0)", "1"],
    ["(^ 4 1/2)", "2"],
    ["(^ 2 1/2)", "(sqrt 2)"],
    ["(sqrt x)", "(sqrt x)"],
    ["(ln (exp x))", "x"],
    ["(^ e x)", "(exp x)"],
    ["(sin 0)", "0"],
    ["(cos pi)", "-1"],
    ["(sin (- x))", "(- (sin x))"],
    ["(cos (* -2 x))", "(cos (* 2 x))"],
    ["(- 0.1 0.1 0.1)", "-0.1"],
    ["(* 1/3 3 x)", "x"],
    ["(- (+ x y) y)", "x"],
    ["(- 0 x y)", "(- (+ x y))"],
    ["(/ (^ x 3) 3)", "(/ (^ x 3) 3)"],
    ["(^ (* 2 x) 3)", "(* 8 (^ x 3))"],
    ["(= (+ x x) 4)", "(= (* 2 x) 4)"],
    ["(abs (- (abs x)))", "(abs x)"]
  ])("%s → %s", (input, expected) => {
    expect(s(input)).toBe(expected)
  })

  it("is idempotent where a float sits among exact numbers (a counterexample fast-check found)", () => {
    const once = simplify(Either.getOrThrow(parse("(- (/ (- 0.0 x 1) 2) 0 1)")))
    expect(print(simplify(once))).toBe(print(once))
  })

  it("is idempotent", () => {
    fc.assert(
      fc.property(realExpr(["x", "y"], 4, true), (e) => {
        let once
        try {
          once = simplify(e)
        } catch (err) {
          if (err instanceof EngineError) return
          throw err
        }
        expect(print(simplify(once))).toBe(print(once))
      }),
      { numRuns: 1500 }
    )
  })

  it("preserves the value at random points (where both sides are defined)", () => {
    let compared = 0
    fc.assert(
      fc.property(realExpr(["x", "y"], 4, true), point, point, (e, x, y) => {
        let t
        try {
          t = simplify(e)
        } catch (err) {
          if (err instanceof EngineError) return
          throw err
        }
        const a = floatEvalScaled(e, { x, y })
        const b = floatEvalScaled(t, { x, y })
        if (Number.isNaN(a.value) || Number.isNaN(b.value)) return
        compared++
        expect(Math.abs(a.value - b.value)).toBeLessThanOrEqual(1e-9 * Math.max(a.scale, b.scale))
      }),
      { numRuns: 3000 }
    )
    expect(compared).toBeGreaterThan(1000)
  })

  it("keeps exact numbers exact and never folds an inexact power", () => {
    expect(s("(* 2 (^ 3 1/2))")).toBe("(* 2 (sqrt 3))")
    expect(s("(+ 1/2 1/3)")).toBe("5/6")
    expect(s("(^ 2 64)")).toBe("18446744073709551616")
  })

  it("answers a 10,000-deep expression or says it is too deep", () => {
    let text = "1"
    for (let i = 0; i < 10_000; i++) text = `(+ ${text} 1)`
    try {
      expect(s(text)).toBe("10001")
    } catch (err) {
      expect(err).toBeInstanceOf(EngineError)
      expect((err as EngineError).reason).toBe("TooDeep")
    }
  })

  describe("compareKey", () => {
    const byPrint = (a: Expr, b: Expr): number => {
      const [pa, pb] = [print(a), print(b)]
      return pa < pb ? -1 : pa > pb ? 1 : 0
    }
    const subtrees = (e: Expr): Array<Expr> =>
      e._tag === "Op" || e._tag === "Fn" ? [e, ...e.args.flatMap(subtrees)] : [e]

    it("orders any two expressions as their canonical prints", () => {
      fc.assert(
        fc.property(anyExpr, anyExpr, (a, b) => {
          expect(compareKey(a, b)).toBe(byPrint(a, b))
          expect(compareKey(a, a)).toBe(0)
        }),
        { numRuns: 2000 }
      )
    })

    it("orders the subtrees of a normal form as their canonical prints", () => {
      fc.assert(
        fc.property(realExpr(["x", "y"], 4, true), (e) => {
          let n
          try {
            n = normalize(e)
          } catch (err) {
            if (err instanceof EngineError) return
            throw err
          }
          const all = [...subtrees(n), ...subtrees(e)]
          for (const a of all) for (const b of all) expect(compareKey(a, b)).toBe(byPrint(a, b))
        }),
        { numRuns: 300 }
      )
    })

    it.each([
      ["x", "x1"],
      ["(+ x y)", "(+ x y z)"],
      ["(+ x 1)", "(+ x 10)"],
      ["(* 2 x)", "x"],
      ["(ln x)", "(log x)"],
      ["-1/2", "-1"],
      ["2.0", "2"],
      ["-0.0", "0.0"]
    ])("%s against %s", (a, b) => {
      const [x, y] = [Either.getOrThrow(parse(a)), Either.getOrThrow(parse(b))]
      expect(compareKey(x, y)).toBe(byPrint(x, y))
      expect(compareKey(y, x)).toBe(byPrint(y, x))
    })
  })
})
