/**
 * Datasets written by other tools: level-7 lines without our auxiliary fields, integers
 * past 2^53, and refusals that name the field and the cause.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { decodeLine, encodeLine, formatIssue } from "../../src/domain/Example.js"
import type { Expr } from "../../src/domain/Expr.js"
import { fromJson, toJson } from "../../src/domain/ExprJson.js"
import { parseJson } from "../../src/domain/Json.js"
import { parse, print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { checkLine } from "../../src/layers/generator/check.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { defaultAnswer } from "../../src/plugins/answer.js"
import { builtinLevels, level7 } from "../../src/plugins/builtin/index.js"

const levelOf = (n: number) => builtinLevels.find((l) => l.level === n)
const check = (line: string) => checkLine(line, levelOf, engineKernel)
const polish = (s: string): Expr => Either.getOrThrow(parse(s))

const lineOf = (level: number, input: Expr, result: number | null, extra?: Record<string, unknown>): string =>
  encodeLine({ id: "ext-1", level, input_polish: print(input), input_expr: toJson(input), expected_result: result, expected_symbolic: null, bindings: [], extra })

describe("lossless JSON", () => {
  /** Bigints back to doubles: what JSON.parse would have made of them. */
  const asDoubles = (u: unknown): unknown =>
    typeof u === "bigint" ? Number(u)
    : Array.isArray(u) ? u.map(asDoubles)
    : typeof u === "object" && u !== null ? Object.fromEntries(Object.entries(u).map(([k, v]) => [k, asDoubles(v)]))
    : u

  it("reads what JSON.parse reads, but long integer literals as bigints", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v)
      const read = parseJson(text)
      expect(asDoubles(read)).toStrictEqual(JSON.parse(text))
      expect(JSON.stringify(read, (_, x) => (typeof x === "bigint" ? (Number.isSafeInteger(Number(x)) ? "safe bigint" : Number(x)) : x))).toBe(text)
    }), { numRuns: 500 })
  })

  it("reads every integer literal exactly: a bigint where a double would round it", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.string({ maxLength: 8 }), (n, key) => {
      const value = (parseJson(`{"a":[1,{${JSON.stringify(key)}:${n}}],"b":"9007199254740993"}`) as { a: [number, Record<string, unknown>] }).a[1][key]
      const safe = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      expect(value).toStrictEqual(safe ? Number(n) : n)
    }), { numRuns: 500 })
  })

  it("refuses bad JSON with JSON.parse's message", () => {
    expect(() => parseJson(`{"a": 12345678901234567890,}`)).toThrow(/JSON/)
    expect(() => parseJson(`[12345678901234567890`)).toThrow()
  })
})

describe("dataset lines from other tools", () => {
  it("an Integer past 2^53 is read exactly and its line verifies", () => {
    const text = `{"id":"big-1","level":2,"input_polish":"(+ 11786327394545760371 1)","input_expr":{"BinOp":{"op":"Add","left":{"Value":{"Integer": 11786327394545760371}},"right":{"Value":{"Integer":1}}}},"expected_result":11786327394545760372,"expected_symbolic":null,"bindings":[]}`
    const decoded = decodeLine(text)
    expect(Either.isRight(decoded)).toBe(true)
    if (Either.isRight(decoded)) {
      expect(print(fromJson(decoded.right.input_expr))).toBe("(+ 11786327394545760371 1)")
      expect(decoded.right.expected_result).toBe(11786327394545760372)
    }
    // Nothing is wrong with it; it is only off level 2's specification (leaves in [1, 20]).
    expect(check(text).kind, check(text).message).toBe("offspec")
  })

  it.each([
    [`{"Value":{"Integer":1.5}}`, "input_expr.Value.Integer", "expected an integer, got 1.5"],
    [`{"BinOp":{"op":"Plus","left":{"Value":{"Integer":1}},"right":{"Value":{"Integer":1}}}}`, "input_expr.BinOp.op", 'expected one of Add, Sub, Mul, Div, Pow, Mod, got "Plus"'],
    [`{"BinOp":{"op":"Add","left":{"Value":{"Integer":1}}}}`, "input_expr.BinOp.right", "is missing"],
    [`{"UnaryOp":{"op":"Neg","operand":{"Value":{"Real":2}}}}`, "input_expr.UnaryOp.operand.Value", "expected exactly one of Integer, Float, Symbol, Rational; got Real"],
    [`{"Function":{"func":"Sin","args":[{"Value":{"Symbol":"2x"}}]}}`, "input_expr.Function.args[0].Value.Symbol", 'expected a symbol name, got "2x"'],
    [`{"Value":{"Rational":[1,0]}}`, "input_expr.Value.Rational", "a rational needs a nonzero denominator"]
  ])("input_expr %s is refused naming %s", (expr, field, message) => {
    const r = decodeLine(`{"id":"a","level":1,"input_polish":"1","input_expr":${expr},"expected_result":1,"expected_symbolic":null,"bindings":[]}`)
    expect(Either.isLeft(r) && formatIssue(r.left)).toBe(`field ${field}: ${message}`)
  })

  it("a level-7 line without lhs_affine/rhs_affine is verified by solving", () => {
    const text = lineOf(7, polish("(solve (= (+ (* 1 (- x 5)) 0) (+ (* 8 x) 2)) x)"), -1)
    expect(check(text)).toMatchObject({ kind: "", message: "" })
    const wrong = lineOf(7, polish("(solve (= (+ (* 1 (- x 5)) 0) (+ (* 8 x) 2)) x)"), -2)
    expect(check(wrong)).toMatchObject({ kind: "wrong", field: "expected_result" })
    const noUnique = lineOf(7, polish("(solve (= (+ x 1) (+ x 2)) x)"), 0)
    expect(check(noUnique).kind).toBe("wrong")
  })

  it("level-7 lines: without the auxiliary fields they verify; with them, the stricter check still runs", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
      const problem = level7.generate(Rng.seeded(seed))
      const answer = defaultAnswer(problem, engineKernel)
      const extra = problem.extra as { lhs_affine: [number, number]; rhs_affine: [number, number] }
      expect(check(lineOf(7, problem.input, answer.result)).kind).toBe("")
      expect(check(lineOf(7, problem.input, answer.result, extra)).kind).toBe("")
      const [a, b] = extra.lhs_affine
      const off = check(lineOf(7, problem.input, answer.result, { ...extra, lhs_affine: [a, b + 1] }))
      expect(off.kind).toBe("wrong")
      expect(off.message).toContain("side 1 is not")
      const half = check(lineOf(7, problem.input, answer.result, { lhs_affine: extra.lhs_affine }))
      expect(half.message).toContain("rhs_affine is missing")
    }), { numRuns: 100 })
  })

  it("a derivative of any order, with parameters, is verified step by step; a wrong one is caught", () => {
    const term = fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 2 }))
    fc.assert(fc.property(fc.array(term, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 }), (terms, order) => {
      const f = polish(`(+ 0 ${terms.map(([c, i, j]) => `(* ${c} (^ b ${i}) (^ c ${j}))`).join(" ")})`)
      let input: Expr = f
      for (let k = 0; k < order; k++) input = { _tag: "Fn", fn: "derive", args: [input, { _tag: "Symbol", name: "b" }] }
      const answer = defaultAnswer({ input }, engineKernel).symbolic as Expr
      const lineWith = (d: Expr) =>
        encodeLine({ id: "d", level: 5, input_polish: print(input), input_expr: toJson(input), expected_result: null, expected_symbolic: toJson(d), bindings: [], extra: { source: "test" } })
      expect(check(lineWith(answer))).toMatchObject({ kind: "" })
      expect(check(lineWith(polish(`(+ ${print(answer)} c)`))).kind).toBe("wrong")
    }), { numRuns: 60 })
  })
})
