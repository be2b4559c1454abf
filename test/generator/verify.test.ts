/** Verification is independent of the answer: a lying Engine's answers are rejected. */
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import type { Expr } from "../../src/domain/Expr.js"
import { add, int } from "../../src/domain/Expr.js"
import { parse } from "../../src/domain/Polish.js"
import { generateChunk } from "../../src/layers/generator/chunk.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { checkDerivative, defaultAnswer, defaultVerify, numericalDerivative } from "../../src/plugins/answer.js"
import { level2, level5, level6, level7 } from "../../src/plugins/builtin/index.js"
import type { CurriculumLevel, EngineKernel } from "../../src/services/CurriculumLevel.js"

const p = (s: string): Expr => Either.getOrThrow(parse(s))

const rejectedBy = (level: CurriculumLevel, engine: EngineKernel) => {
  const r = generateChunk(level, { _tag: "Chunk", module: undefined, builtin: false, level: level.level, seed: 1, chunk: 0, skip: "0".repeat(100), known: [], run: "test" }, engine)
  const categories = new Set(r.rejections.map((x) => x.split("\t")[0]))
  return { rejected: r.rejections.filter((x) => x !== "").length, total: r.offsets.length, categories }
}

describe("verification", () => {
  it("the numerical derivative is accurate, and refuses to guess where it cannot", () => {
    const d = numericalDerivative(Math.exp, 1.3)
    assert.isDefined(d)
    assert.closeTo(d!.value, Math.exp(1.3), 1e-8)
    assert.isUndefined(numericalDerivative((x) => (x > 1 ? Math.log(x - 1) : NaN), 1.0001 - 1e-9))
    assert.isUndefined(checkDerivative(engineKernel, p("(sin (* 3 x))"), p("(* 3 (cos (* 3 x)))"), "x", {}))
    assert.match(checkDerivative(engineKernel, p("(sin (* 3 x))"), p("(cos (* 3 x))"), "x", {}) ?? "", /the derivative is/)
    assert.match(checkDerivative(engineKernel, p("(ln (- x 100))"), p("(/ 1 (- x 100))"), "x", {}) ?? "", /only 0 points/)
  })

  it("wrong values, derivatives, integrals and solutions are caught", () => {
    const verify = (input: string, result: number | null, symbolic: string | null, exact?: string) =>
      defaultVerify(
        { input: p(input) },
        { result, symbolic: symbolic === null ? null : p(symbolic), exact: p(exact ?? symbolic ?? String(result)) },
        engineKernel
      )
    assert.isUndefined(verify("(/ 1 3)", 1 / 3, null, "1/3"))
    assert.isDefined(verify("(/ 1 3)", 0.33, null, "33/100"))
    assert.isUndefined(verify("(derive (^ x 3) x)", null, "(* 3 (^ x 2))"))
    assert.isDefined(verify("(derive (^ x 3) x)", null, "(* 3 x)"))
    assert.isUndefined(verify("(integrate (^ x 2) x 0 3)", 9, "(/ (^ x 3) 3)", "9"))
    assert.isDefined(verify("(integrate (^ x 2) x 0 3)", 9.5, "(/ (^ x 3) 3)", "19/2"))
    assert.isDefined(verify("(integrate (^ x 2) x 0 3)", 9, "(/ (^ x 3) 2)", "9"))
    assert.isUndefined(verify("(solve (= (* 2 x) 7) x)", 3.5, null, "7/2"))
    assert.isDefined(verify("(solve (= (* 2 x) 7) x)", 3, null, "3"))
    // free symbols are constants along the variable
    assert.isUndefined(verify("(derive (* (* -5 (^ b 3)) p) b)", null, "(* -15 (^ b 2) p)"))
    assert.isDefined(verify("(derive (* (* -5 (^ b 3)) p) b)", null, "(* -15 (^ b 2))"))
    // nested calculus heads: the inner problem first, each step verified
    assert.isUndefined(verify("(derive (derive (^ x 3) x) x)", null, "(* 6 x)"))
    assert.isDefined(verify("(derive (derive (^ x 3) x) x)", null, "(* 3 (^ x 2))"))
    assert.isUndefined(verify("(integrate (derive (^ x 3) x) x 0 2)", 8, "(^ x 3)", "8"))
    assert.isDefined(verify("(integrate (derive (^ x 3) x) x 0 2)", 4, "(/ (^ x 4) 4)", "4"))
  })

  it("answers nested calculus heads innermost first", () => {
    const answer = (input: string) => defaultAnswer({ input: p(input) }, engineKernel)
    assert.deepStrictEqual(answer("(derive (derive (derive (^ x 4) x) x) x)").symbolic, p("(* 24 x)"))
    assert.deepStrictEqual(answer("(derive (derive (* (^ x 2) y) x) y)").symbolic, p("(* 2 x)"))
    assert.strictEqual(answer("(integrate (derive (^ x 3) x) x 0 2)").result, 8)
  })

  it("a generator fed by a lying Engine rejects every wrong answer", () => {
    const lying: EngineKernel = {
      ...engineKernel,
      evaluate: (e, b) => add(engineKernel.evaluate(e, b), int(1)),
      derive: (e, v) => add(engineKernel.derive(e, v), int(1)),
      antiderivative: (e, v) => add(engineKernel.antiderivative(e, v), { _tag: "Symbol", name: v }),
      solve: (eq, v) => {
        const r = engineKernel.solve(eq, v)
        return r._tag === "Solutions" ? { ...r, values: r.values.map((x) => add(x, int(1))) } : r
      }
    }
    for (const level of [level2, level5, level6, level7]) {
      const r = rejectedBy(level, lying)
      assert.strictEqual(r.rejected, r.total, `level ${level.level}: ${r.rejected}/${r.total}`)
      assert.isTrue([...r.categories].every((c) => c === "verify" || c === "verify:level" || c === "answer"), [...r.categories].join())
    }
    // …while the honest Engine's answers pass.
    for (const level of [level2, level6, level7]) assert.strictEqual(rejectedBy(level, engineKernel).rejected, 0)
    assert.isOk(defaultAnswer({ input: p("(+ 1 2)") }, engineKernel))
  })
})
