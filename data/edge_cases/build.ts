/**
 * Builds data/edge_cases/test_hard.jsonl: hand-picked hard inputs per level, in the
 * dataset schema, each answered by the Engine and verified like generated data
 * (a case that does not verify stops the build). Lines carry `edge_case` (what the
 * case is about), which exempts them from the level's input specification.
 *
 *   npx tsx data/edge_cases/build.ts            # rewrite the file
 *   npx tsx data/edge_cases/build.ts --check    # exit 1 when the file is out of date
 */
import { Either } from "effect"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import type { Expr } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { lineOf, solveAndVerify } from "../../src/layers/generator/chunk.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { builtinRegistry } from "../../src/plugins/registry.js"
import { affine, fracNumber } from "../../src/plugins/builtin/level7.js"
import type { Problem } from "../../src/services/CurriculumLevel.js"

interface Case {
  readonly level: number
  readonly input: string
  readonly bindings?: ReadonlyArray<readonly [string, number]>
  readonly note: string
}

const nest = (depth: number, leaf: string, wrap: (inner: string, i: number) => string): string => {
  let s = leaf
  for (let i = 0; i < depth; i++) s = wrap(s, i)
  return s
}

export const cases: ReadonlyArray<Case> = [
  // level 1 — basic arithmetic
  { level: 1, input: "(- 0.1 0.1 0.1)", note: "n-ary subtraction of floats: -0.1, not an integer" },
  { level: 1, input: "(+ 0 0)", note: "zero plus zero" },
  { level: 1, input: "(- 0 99)", note: "the most negative level-1 result" },
  { level: 1, input: "(+ 99 99)", note: "the largest level-1 result" },
  { level: 1, input: "(- 42 42)", note: "a difference that is exactly zero" },
  { level: 1, input: "(+ 1 2 3 4 5 6 7 8 9 10)", note: "n-ary addition" },
  { level: 1, input: "(- 7)", note: "unary minus (negation)" },
  { level: 1, input: "(+ 0.1 0.2)", note: "0.1 + 0.2 in floating point" },
  // level 2 — nested operations
  { level: 2, input: "(/ 1 3)", note: "a rational result: 1/3 is not a finite decimal" },
  { level: 2, input: "(* (/ 20 3) 3)", note: "exact rational arithmetic gives back an integer" },
  { level: 2, input: "(- (/ 1 3) (/ 1 3))", note: "an exact zero from rationals" },
  { level: 2, input: "(/ (/ 1 3) (/ 1 7))", note: "division of rationals" },
  { level: 2, input: "(/ 0 17)", note: "zero divided by a number" },
  { level: 2, input: "(- (* 20 20) (* 19 21))", note: "cancellation to 1" },
  { level: 2, input: nest(60, "1", (s) => `(+ ${s} 1)`), note: "deep nesting: 60 left-nested additions" },
  { level: 2, input: nest(40, "2", (s, i) => (i % 2 === 0 ? `(* ${s} 2)` : `(/ ${s} 2)`)), note: "deep nesting: alternating × 2 and ÷ 2" },
  { level: 2, input: nest(30, "1", (s, i) => `(- ${i + 1} ${s})`), note: "deep nesting on the right of subtractions" },
  // level 3 — symbol substitution
  { level: 3, input: "(^ 2 64)", note: "2^64 does not fit an i64 or a double exactly" },
  { level: 3, input: "(^ x 3)", bindings: [["x", -10]], note: "a negative base to an odd power" },
  { level: 3, input: "(^ (- x) 2)", bindings: [["x", -3]], note: "negation of a negative binding, squared" },
  { level: 3, input: "(/ x y)", bindings: [["x", -7], ["y", 2]], note: "a negative rational from bindings" },
  { level: 3, input: "(^ x 0)", bindings: [["x", -10]], note: "anything (nonzero) to the power 0" },
  { level: 3, input: "(* x y z)", bindings: [["x", -10], ["y", -10], ["z", -10]], note: "three negative bindings multiplied" },
  { level: 3, input: "(- x x)", bindings: [["x", 7]], note: "a symbol cancels itself" },
  { level: 3, input: "(^ (/ 1 2) 10)", note: "a rational to a power: 1/1024" },
  { level: 3, input: "(^ 2 (- 3))", note: "a negative exponent: 1/8" },
  // level 4 — functions
  { level: 4, input: "(sin 0)", note: "exactly zero" },
  { level: 4, input: "(cos pi)", note: "the constant pi" },
  { level: 4, input: "(ln e)", note: "the constant e" },
  { level: 4, input: "(sqrt 16)", note: "an exact square root" },
  { level: 4, input: "(sqrt 2)", note: "an irrational square root" },
  { level: 4, input: "(log 1000)", note: "log is base 10" },
  { level: 4, input: "(tan (/ pi 4))", note: "tan(pi/4) = 1 only up to rounding" },
  { level: 4, input: "(exp 700)", note: "close to the largest finite double" },
  { level: 4, input: "(ln (exp 5))", note: "inverse functions" },
  { level: 4, input: "(sqrt (* x x))", bindings: [["x", -3]], note: "sqrt(x²) = |x|" },
  { level: 4, input: "(sin (* 1000 pi))", note: "a multiple of pi: zero only up to rounding" },
  { level: 4, input: "(exp (- 50))", note: "a tiny positive result" },
  // level 5 — differentiation
  { level: 5, input: "(derive (^ x x) x)", note: "x^x: variable base and exponent" },
  { level: 5, input: "(derive 5 x)", note: "a constant: derivative 0" },
  { level: 5, input: "(derive x x)", note: "the variable itself: derivative 1" },
  { level: 5, input: "(derive (/ 1 x) x)", note: "a quotient with a constant numerator" },
  { level: 5, input: "(derive (ln (ln x)) x)", note: "defined only for x > 1" },
  { level: 5, input: "(derive (sin (cos (exp x))) x)", note: "a triple chain rule" },
  { level: 5, input: "(derive (^ (sin x) 2) x)", note: "a power of a function" },
  { level: 5, input: "(derive (exp (* 2 x)) x)", note: "exp of a linear function" },
  { level: 5, input: "(derive (* x (ln x)) x)", note: "product rule with ln" },
  { level: 5, input: `(derive ${nest(8, "x", (s) => `(sin ${s})`)} x)`, note: "deep nesting: sin applied 8 times" },
  // level 6 — integration
  { level: 6, input: "(integrate (/ 1 x) x 1 e)", note: "1/x from 1 to e is exactly 1" },
  { level: 6, input: "(integrate (^ x 2) x 0 1)", note: "1/3, the seed document's example" },
  { level: 6, input: "(integrate (sin x) x 0 pi)", note: "sin over a half period: 2" },
  { level: 6, input: "(integrate (cos x) x (- pi) pi)", note: "cos over a full period: 0" },
  { level: 6, input: "(integrate (exp x) x 0 1)", note: "e − 1" },
  { level: 6, input: "(integrate 0 x -5 5)", note: "the zero function" },
  { level: 6, input: "(integrate (* 3 (^ x 2)) x 2 2)", note: "empty interval: a = b" },
  { level: 6, input: "(integrate x x 5 -5)", note: "reversed bounds (b < a)" },
  { level: 6, input: "(integrate (^ x 4) x -5 5)", note: "x^4 over the widest level-6 range: 1250" },
  { level: 6, input: "(integrate (exp (* 3 x)) x 4 5)", note: "the steepest level-6 exponential" },
  // level 7 — equation solving
  { level: 7, input: "(solve (= x 0) x)", note: "the trivial equation" },
  { level: 7, input: "(solve (= (* 2 x) 1) x)", note: "a rational solution: 1/2" },
  { level: 7, input: "(solve (= (/ x 3) (/ x 4)) x)", note: "x on both sides, divided: x = 0" },
  { level: 7, input: "(solve (= (+ x 1) (- (* 2 x) 3)) x)", note: "x on both sides" },
  { level: 7, input: "(solve (= (* 1000000 x) 1) x)", note: "a tiny solution: 1e-6" },
  { level: 7, input: "(solve (= (- (* 3 (+ x 2)) (* 2 (- x 1))) 0) x)", note: "distributing over nested brackets: x = -8" },
  { level: 7, input: "(solve (= (- 5 x) (+ x 5)) x)", note: "the solution is zero" },
  { level: 7, input: `(solve (= ${nest(12, "x", (s, i) => `(+ ${s} ${i + 1})`)} 100) x)`, note: "deep nesting: 12 additions around x" }
]

const OUT = fileURLToPath(new URL("./test_hard.jsonl", import.meta.url))

export const buildLines = (): Array<string> =>
  cases.map((c, i) => {
    const parsed = parse(c.input)
    if (Either.isLeft(parsed)) throw new Error(`edge case ${c.input}: ${parsed.left.message}`)
    const input: Expr = parsed.right
    const extra: Record<string, unknown> = { edge_case: c.note }
    if (c.level === 7 && input._tag === "Fn") {
      const eq = input.args[0] as Extract<Expr, { _tag: "Fn" }>
      const l = affine(eq.args[0] as Expr, "x")
      const r = affine(eq.args[1] as Expr, "x")
      if (l !== undefined && r !== undefined) {
        extra.lhs_affine = [fracNumber(l[0]), fracNumber(l[1])]
        extra.rhs_affine = [fracNumber(r[0]), fracNumber(r[1])]
      }
    }
    const problem: Problem = { input, bindings: c.bindings, extra }
    const level = builtinRegistry.get(c.level)
    if (level === undefined) throw new Error(`no level ${c.level}`)
    const r = solveAndVerify(level, problem, engineKernel)
    if ("rejection" in r) throw new Error(`edge case ${c.input} does not verify: ${r.rejection.replace("\t", ": ")}`)
    return lineOf(c.level, `hard-L${c.level}-${String(i + 1).padStart(3, "0")}`, print(input), problem, r.answer)
  })

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = `${buildLines().join("\n")}\n`
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, "utf8") : ""
    if (current !== text) {
      console.error(`${OUT} is out of date: run npx tsx data/edge_cases/build.ts`)
      process.exit(1)
    }
  } else {
    fs.writeFileSync(OUT, text)
    console.log(`wrote ${cases.length} cases to ${OUT}`)
  }
}
