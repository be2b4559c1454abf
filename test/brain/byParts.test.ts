/**
 * Integration by parts, learned as a further rule of the product: the rule level 6 teaches
 * (u · A(v), which holds where u is a number) fails on nodes such as x · sin 3x; from those
 * nodes alone the learner finds u · A(v) − A(du · A(v)) over its generic atoms, and
 * emission tries a head's rules in turn, writing the first the brain's own values confirm.
 * Every emitted antiderivative is checked by the Engine's derivative.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { parse } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { learnAntiRules } from "../../src/layers/brain/symbolic/antiderivative.js"
import { emitAntitangent, tangentVerifier } from "../../src/layers/brain/symbolic/antitangentEmit.js"
import { learnTangentRules } from "../../src/layers/brain/symbolic/learn.js"
import { headRow } from "../../src/layers/brain/vocabulary.js"
import { derive } from "../../src/layers/engine/derive.js"
import { equivalent } from "../../src/layers/engine/equivalent.js"
import { simplify } from "../../src/layers/engine/simplify.js"
import { widerExploration, widerFloatEvaluator } from "./floatEvaluator.js"

const expr = (text: string): Expr => Either.getOrThrow(parse(text))
const problems = (texts: ReadonlyArray<string>, variable = "x") => texts.flatMap((t) => [0, 1, 2].map(() => ({ expr: expr(t), variable })))
const tangents = learnTangentRules(widerExploration, widerFloatEvaluator, Rng.seeded(4, 2), undefined)!
const productRow = headRow(expr("(* x x)") as Extract<Expr, { _tag: "Op" }>, 2)

/** Level-6-like integrands: sums, and products of a number and a function. */
const firstSteps = ["(+ (* 3 (sin (* 2 x))) (* 2 x))", "(+ (exp x) (* 5 (cos x)))", "(+ (^ x 2) (sin (* 3 x)))", "(+ (* 4 x) (exp (* 2 x)))", "(* 5 (cos x))", "(* 2 (exp (* 3 x)))", "(* 7 (^ x 2))", "(* 4 (sin x))", "(* 6 (exp x))", "(* 2 (cos (* 3 x)))", "(* 9 x)"]
/** Integrands that need integration by parts (a linear factor times a function, in either order). */
const byParts = ["(* x (sin (* 3 x)))", "(* (* 2 x) (exp x))", "(* (* 5 x) (cos (* 2 x)))", "(* x (exp (* 2 x)))", "(* (* 3 x) (sin x))", "(* (* 7 x) (cos x))", "(* x (cos (* 3 x)))", "(* (* 4 x) (exp (* 3 x)))"]
const reversed = ["(* (sin (* 3 x)) x)", "(* (exp x) (* 2 x))", "(* (cos (* 2 x)) (* 5 x))", "(* (exp (* 2 x)) x)", "(* (sin x) (* 3 x))", "(* (cos x) (* 7 x))", "(* (cos (* 3 x)) x)", "(* (exp (* 3 x)) (* 4 x))"]

const first = learnAntiRules(problems(firstSteps), widerFloatEvaluator, tangents, headRow, Rng.seeded(6, 1), undefined)!
const later = learnAntiRules(problems([...firstSteps, ...byParts]), widerFloatEvaluator, tangents, headRow, Rng.seeded(6, 2), first, { refit: true })!
const both = learnAntiRules(problems([...firstSteps, ...byParts, ...reversed]), widerFloatEvaluator, tangents, headRow, Rng.seeded(6, 3), first, { refit: true })!
const verifyOn = (variable: string) => tangentVerifier(widerFloatEvaluator, variable, [0.3, 0.9, 1.7])

describe("integration by parts, a further rule of the product", () => {
  it("the first rule of the product holds for a number times a function only", () => {
    expect(first.heads.get(productRow)?.length).toBe(1)
    expect(emitAntitangent(expr("(* 8 (sin (* 2 x)))"), "x", first, tangents, headRow, verifyOn("x"))).toBeDefined()
    const F = emitAntitangent(expr("(* x (sin x))"), "x", first, tangents, headRow)
    expect(F !== undefined && equivalent(derive(F, "x"), expr("(* x (sin x))"))).toBe(false)
  })

  it("without refit, nodes where a head's rule fails teach nothing more", () => {
    const same = learnAntiRules(problems([...firstSteps, ...byParts]), widerFloatEvaluator, tangents, headRow, Rng.seeded(6, 2), first)!
    expect(same.heads.get(productRow)?.length).toBe(1)
  })

  it("learns a second rule from the nodes where the first fails", () => {
    expect(later.heads.get(productRow)?.length).toBe(2)
  })

  it.each([
    ["(* x (sin (* 2 x)))", "x"],
    ["(* (* 6 x) (exp (* 2 x)))", "x"],
    ["(* (* 9 t) (cos (* 3 t)))", "t"],
    ["(* (^ x 2) (exp x))", "x"],
    ["(* (^ x 2) (sin x))", "x"],
    ["(* 3 (cos (* 2 x)))", "x"],
    ["(+ (* x (exp x)) (* 4 (sin x)))", "x"]
  ])("emits an antiderivative of %s, checked by the Engine's derivative", (f, variable) => {
    const F = emitAntitangent(expr(f), variable, later, tangents, headRow, verifyOn(variable))
    expect(F === undefined ? `${f}: none` : equivalent(derive(F, variable), expr(f))).toBe(true)
  })

  it.each([
    ["(* (exp x) x)", "x"],
    ["(* (sin (* 2 t)) (* 6 t))", "t"],
    ["(* x (cos (* 2 x)))", "x"],
    ["(* (cos x) (^ x 2))", "x"]
  ])("with both orders in the data, learns a rule for each and emits an antiderivative of %s", (f, variable) => {
    expect(both.heads.get(productRow)?.length).toBe(3)
    const F = emitAntitangent(expr(f), variable, both, tangents, headRow, verifyOn(variable))
    expect(F === undefined ? `${f}: none` : equivalent(derive(F, variable), expr(f))).toBe(true)
  })

  // The brain passes its own learned simplifier; here the Engine's stands in for it. It
  // writes (1/x)·x³/3 as (/ (^ x 2) 3): a quotient by a number, which emission takes as
  // (1/3)·x² (no rule here integrates a quotient).
  it.each(["(* (^ x 2) (ln x))", "(* (ln x) (* 3 x))", "(* x (ln x))"])("integrates again what %s's parts atom writes once it is simplified ((1/x)·x³/3 is x²/3)", (f) => {
    expect(emitAntitangent(expr(f), "x", both, tangents, headRow, verifyOn("x"))).toBeUndefined()
    const F = emitAntitangent(expr(f), "x", both, tangents, headRow, verifyOn("x"), simplify)
    expect(F === undefined ? `${f}: none` : equivalent(derive(F, "x"), expr(f))).toBe(true)
  })

  it("gives no answer where no rule holds, rather than a wrong one", () => {
    for (const f of ["(* (sin x) (exp x))", "(* (ln x) (sin x))"]) {
      const F = emitAntitangent(expr(f), "x", later, tangents, headRow, verifyOn("x"))
      if (F !== undefined) expect(equivalent(derive(F, "x"), expr(f))).toBe(true)
    }
  })
})
