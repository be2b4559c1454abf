/** The Engine commands take infix wherever they take Polish, and print infix with --infix. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { EngineLive } from "../../src/layers/EngineLive.js"
import { runCli } from "./harness.js"

const live = (args: ReadonlyArray<string>, stdin?: string) =>
  runCli(args, stdin === undefined ? { engine: EngineLive } : { engine: EngineLive, stdin })

describe("infix on the command line (EngineLive)", () => {
  const examples: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["eval", "2*x^2 + 3*x - 1", "-b", "x=2"], "13"],
    [["eval", "x**2 + 3*x", "-b", "x=-1/2"], "-5/4 = -1.25"],
    [["eval", "sin(x)", "--bind", "x=pi/2"], "1.0"],
    [["eval", "2^3^2"], "512"],
    [["eval", "-2^2"], "-4"],
    [["eval", "derive(x^2, x)", "--infix"], "2*x"],
    [["eval", "x + y", "-b", "x=2", "--infix"], "y + 2"],
    [["derive", "x^3", "x"], "(* 3 (^ x 2))"],
    [["derive", "--infix", "-x^2 + 1"], "-2*x"],
    [["derive", "x^3", "x", "--infix"], "3*x^2"],
    [["derive", "x**3", "x", "--infix"], "3*x^2"],
    [["solve", "-8*x - 48 = -16*x"], "6"],
    [["derive", "--infix", "-6*b^3/3 + b"], "1 - 6*b^2"],
    [["simplify", "x + x", "--infix"], "2*x"],
    [["integrate", "x^2", "x", "0", "1"], "1/3 ≈ 0.3333333333"],
    [["integrate", "x^2", "--infix"], "x^3/3"],
    [["solve", "2*x + 5 = 13"], "4"],
    [["solve", "-8*x - 48 = -16*x", "x"], "6"],
    [["solve", "x^2 - 2", "--infix"], "-sqrt(2) ≈ -1.414213562, sqrt(2) ≈ 1.414213562"],
    [["solve", "(= (+ (* 1 (- x 5)) 0) (+ (* 8 x) 2))", "x"], "-1"]
  ]
  for (const [args, expected] of examples)
    it.effect(`grapheme ${args.join(" ")}`, () =>
      Effect.gen(function* () {
        const r = yield* live(args)
        assert.deepStrictEqual(r, { stdout: `${expected}\n`, stderr: "", code: 0 })
      }))

  it.effect("an infix parse error names the position and what was expected", () =>
    Effect.gen(function* () {
      const r = yield* live(["eval", "2*x +"])
      assert.deepStrictEqual(r, {
        stdout: "",
        stderr: 'grapheme: parse error at position 5: expected a number, a symbol, a function or "(", found end of input\n',
        code: 1
      })
    }))

  it.effect("the documented infix errors", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* live(["eval", "sin x"])).stderr, 'grapheme: parse error at position 4: expected "(" after the function name "sin", found "x"\n')
      assert.strictEqual(
        (yield* live(["eval", "f(3)"])).stderr,
        'grapheme: parse error at position 0: expected a function of the language (sin, cos, tan, log, ln, exp, sqrt, abs, floor, ceil, derive, integrate, solve), found "f"\n'
      )
    }))

  it.effect("batch lines may be infix or Polish", () =>
    Effect.gen(function* () {
      const r = yield* live(["derive", "--infix"], "x^2\n(sin x)\n2*x +\n")
      assert.strictEqual(r.stdout, "2*x\ncos(x)\nerror: line 3: parse error at position 5: expected a number, a symbol, a function or \"(\", found end of input\n")
      assert.strictEqual(r.code, 1)
    }))
})
