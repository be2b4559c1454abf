/**
 * Rules for functions no built-in calculus level shows (tan, sqrt, log), learned from an
 * evaluator alone: the brain explores each head it can evaluate on trees it writes, so the
 * derivatives of new functions, in any composition, come with no data of their own and no
 * line of code naming them; coefficients come out exact (½, and 1/ln 10 written with the
 * vocabulary's own ln).
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { learnAntiRules } from "../../src/layers/brain/symbolic/antiderivative.js"
import { emitAntitangent } from "../../src/layers/brain/symbolic/antitangentEmit.js"
import { emitTangent } from "../../src/layers/brain/symbolic/emit.js"
import { learnTangentRules } from "../../src/layers/brain/symbolic/learn.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import { derive } from "../../src/layers/engine/derive.js"
import { equivalent } from "../../src/layers/engine/equivalent.js"
import { widerExploration, widerFloatEvaluator } from "./floatEvaluator.js"

const expr = (text: string): Expr => Either.getOrThrow(parse(text))
const tangents = learnTangentRules(widerExploration, widerFloatEvaluator, Rng.seeded(4, 2), undefined)!

describe("rules for tan, sqrt and log, from the brain's own exploration trees", () => {
  it.each([
    "(tan (* 3 x))",
    "(sqrt (+ x 2))",
    "(log (* 5 x))",
    "(* 4 (log x))",
    "(sin (^ x 2))",
    "(exp (sin x))",
    "(* x (sqrt x))",
    "(/ (tan x) (+ x 1))",
    "(log (^ x 3))"
  ])("the derivative of %s is the Engine's", (f) => {
    const answer = emitTangent(expr(f), "x", tangents, headRow)
    expect(answer === undefined ? "none" : print(answer)).not.toBe("none")
    expect(equivalent(answer!, derive(expr(f), "x"))).toBe(true)
  })

  it("writes log's coefficient as 1/ln 10 and sqrt's as ½ (exact, found by search)", () => {
    const logRule = tangents.heads.get(headRow(expr("(log x)") as Extract<Expr, { _tag: "Fn" }>, 1))!
    expect(logRule.map((t) => t.coefficient)).toEqual([{ num: 1, den: 1, constant: { head: headRow(expr("(ln x)") as Extract<Expr, { _tag: "Fn" }>, 1), argument: 10, power: -1 } }])
    const sqrtRule = tangents.heads.get(headRow(expr("(sqrt x)") as Extract<Expr, { _tag: "Fn" }>, 1))!
    expect(sqrtRule.map((t) => [t.coefficient.num, t.coefficient.den])).toEqual([[1, 2]])
  })

  it("learns antiderivatives of sqrt and log of k·x from integrands, checked by the Engine's derivative", () => {
    const train = [1, 2, 3, 5].flatMap((k) => ["sqrt", "log"].map((g) => ({ expr: expr(`(${g} (* ${k} x))`), variable: "x" })))
    const rules = learnAntiRules([...train, ...train, ...train], widerFloatEvaluator, tangents, headRow, Rng.seeded(5, 3), undefined)!
    for (const f of ["(sqrt (* 7 x))", "(log (* 4 x))", "(sqrt x)", "(* 3 (log (* 2 x)))"]) {
      const F = emitAntitangent(expr(f), "x", rules, tangents, headRow)
      expect(F === undefined ? `${f}: none` : equivalent(derive(F, "x"), expr(f))).toBe(true)
    }
  })
})
