/** The generator's direct JSON writer is the serde form of ExprJson.ts, character for character. */
import { assert, describe, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { encodeLine } from "../../src/domain/Example.js"
import type { Expr, FunctionName, Operator } from "../../src/domain/Expr.js"
import { functions, operators, rational } from "../../src/domain/Expr.js"
import { toJson } from "../../src/domain/ExprJson.js"
import { print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { lineOf } from "../../src/layers/generator/chunk.js"
import { exprJsonText } from "../../src/layers/generator/json.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { defaultAnswer } from "../../src/plugins/answer.js"
import { builtinLevels } from "../../src/plugins/builtin/index.js"

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((value): Expr => ({ _tag: "Integer", value })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value): Expr => ({ _tag: "Float", value })),
  fc.tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.bigInt({ min: 2n, max: 10n ** 18n })).map(([n, d]) => rational(n, d)),
  fc.constantFrom("x", "y", "pi", "e", "a_1").map((name): Expr => ({ _tag: "Symbol", name }))
)

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom(...operators), fc.array(tie("e"), { minLength: 1, maxLength: 4 })).map(
      ([op, args]): Expr => ({ _tag: "Op", op: op as Operator, args })
    ),
    fc.tuple(fc.constantFrom(...functions), fc.array(tie("e"), { minLength: 1, maxLength: 3 })).map(
      ([fn, args]): Expr => ({ _tag: "Fn", fn: fn as FunctionName, args })
    )
  )
})).e

describe("the generator's JSON writer", () => {
  it.prop("exprJsonText(e) = JSON.stringify(toJson(e))", [expr], ([e]) => {
    assert.strictEqual(exprJsonText(e), JSON.stringify(toJson(e)))
  })

  it("lineOf = encodeLine of the same fields, for every level", () => {
    for (const level of builtinLevels) {
      const rng = Rng.seeded(8, level.level)
      for (let i = 0; i < 30; i++) {
        const p = level.generate(rng)
        let a
        try {
          a = (level.answer ?? defaultAnswer)(p, engineKernel)
        } catch {
          continue
        }
        const polish = print(p.input)
        assert.strictEqual(
          lineOf(level.level, `L${level.level}-${i}`, polish, p, a),
          encodeLine({
            id: `L${level.level}-${i}`,
            level: level.level,
            input_polish: polish,
            input_expr: toJson(p.input),
            expected_result: a.result,
            expected_symbolic: a.symbolic === null ? null : toJson(a.symbolic),
            bindings: p.bindings ?? [],
            extra: { expected_polish: print(a.exact), ...p.extra, ...a.extra }
          })
        )
      }
    }
  })
})
