/**
 * DeepMind's mathematics_dataset (Saxton et al. 2019) in our terms: one question and
 * its answer → our input (Polish tree, bindings), the curriculum level whose skill it
 * asks for, and the dataset's answer as an expression. Pure: the Engine's verification
 * and the files are in src/layers/import/deepmind.ts (docs/benchmark.md).
 *
 * The question templates are those of the dataset's generator
 * (`mathematics_dataset/modules/{arithmetic,polynomials,calculus,algebra}.py`); every
 * formula in them is infix in SymPy's notation, read with ./Infix.ts.
 *
 * | module                                 | level | input                                           |
 * |----------------------------------------|-------|-------------------------------------------------|
 * | arithmetic__add_or_sub(_big), …mul(_big), …div(_big), …add_sub_multiple(_longer), …mul_div_multiple(_longer), …mixed(_longer) | 1 for a + or − of two numbers, else 2 | the arithmetic expression |
 * | polynomials__evaluate                  | 3     | the polynomial in x, its argument bound to x    |
 * | calculus__differentiate                | 5     | `(derive f v)`, nested once per order           |
 * | algebra__linear_1d                     | 7     | `(solve (= lhs rhs) x)`                         |
 *
 * The parameter of a polynomial and the unknown of an equation are dummy names: they
 * are renamed x, the name the curriculum uses (the original question stays on the
 * line). A derivative keeps its symbols: its answer is written in them.
 */
import { Either } from "effect"
import type { Expr } from "./Expr.js"
import { fn, freeSymbols, isNumber, op, substitute, sym } from "./Expr.js"
import { parseInfix } from "./Infix.js"

export type ModuleKind = "arithmetic" | "evaluate" | "differentiate" | "linear"

const arithmetic = [
  "add_or_sub", "add_or_sub_big", "mul", "mul_big", "div", "div_big", "add_sub_multiple", "add_sub_multiple_longer",
  "mul_div_multiple", "mul_div_multiple_longer", "mixed", "mixed_longer"
].map((m) => [`arithmetic__${m}`, "arithmetic"] as const)

/** The dataset's modules whose skills the curriculum teaches (a file is `<module>.txt`). */
export const deepmindModules: ReadonlyMap<string, ModuleKind> = new Map<string, ModuleKind>([
  ...arithmetic,
  ["polynomials__evaluate", "evaluate"],
  ["calculus__differentiate", "differentiate"],
  ["algebra__linear_1d", "linear"]
])

export interface Converted {
  readonly level: number
  readonly input: Expr
  readonly bindings: ReadonlyArray<readonly [string, number]>
  /** The dataset's answer, read exactly (a number, or an expression for a derivative). */
  readonly answer: Expr
}

/** Why a question was not converted: a short reason (the same for every question it applies to). */
export type Refusal = string

const infix = (text: string): Expr | undefined => Either.getOrUndefined(parseInfix(text.trim()))

const isArithmetic = (e: Expr): boolean =>
  isNumber(e) || (e._tag === "Op" && (e.op === "+" || e.op === "-" || e.op === "*" || e.op === "/") && e.args.every(isArithmetic))

const NUM = "(-?[0-9]+(?:\\.[0-9]+)?)"
const re = (s: string): RegExp => new RegExp(`^${s.replaceAll("{p}", NUM).replaceAll("{q}", NUM)}$`)

/** Templates with two numbers p, q (arithmetic.py), and what they ask for. */
const pairTemplates: ReadonlyArray<readonly [RegExp, (p: Expr, q: Expr) => Expr]> = [
  [re("(?:Add|Sum|Add together|Put together|Total of) {p} and {q}\\."), (p, q) => op("+", p, q)],
  [re("What is {p} plus {q}\\?"), (p, q) => op("+", p, q)],
  [re("What is {p} (?:minus|take away) {q}\\?"), (p, q) => op("-", p, q)],
  [re("What is {q} less than {p}\\?"), (q, p) => op("-", p, q)],
  [re("Subtract {q} from {p}\\."), (q, p) => op("-", p, q)],
  [re("(?:Multiply|Product of) {p} and {q}\\."), (p, q) => op("*", p, q)],
  [re("What is the product of {p} and {q}\\?"), (p, q) => op("*", p, q)],
  [re("(?:What is )?{p} times {q}\\??"), (p, q) => op("*", p, q)],
  [re("(?:What is |Calculate )?{p} divided by {q}[.?]?"), (p, q) => op("/", p, q)],
  [re("Divide {p} by {q}\\."), (p, q) => op("/", p, q)]
]

/** "What is the difference/distance between a and b?": the larger minus the smaller (asked only so). */
const BETWEEN = re("What is the (?:distance|difference) between {p} and {q}\\?")

/** Templates around a whole expression, tried in this order. */
const expressionTemplates: ReadonlyArray<RegExp> = [
  /^What is the value of (.+)\?$/, /^What is (.+)\?$/, /^(?:Evaluate|Calculate|Work out) (.+)\.$/, /^(.+)$/
]

const numberValue = (e: Expr): number =>
  e._tag === "Integer" ? Number(e.value) : e._tag === "Float" ? e.value : e._tag === "Rational" ? Number(e.num) / Number(e.den) : NaN

const arithmeticQuestion = (q: string): Expr | Refusal => {
  for (const [pattern, build] of pairTemplates) {
    const m = pattern.exec(q)
    const p = m === null ? undefined : infix(m[1] as string)
    const r = m === null ? undefined : infix(m[2] as string)
    if (p !== undefined && r !== undefined) return build(p, r)
  }
  const between = BETWEEN.exec(q)
  if (between !== null) {
    const a = infix(between[1] as string)
    const b = infix(between[2] as string)
    if (a !== undefined && b !== undefined) return numberValue(a) >= numberValue(b) ? op("-", a, b) : op("-", b, a)
  }
  for (const pattern of expressionTemplates) {
    const m = pattern.exec(q)
    const e = m === null ? undefined : infix(m[1] as string)
    if (e !== undefined) return isArithmetic(e) ? e : "not an arithmetic expression of numbers"
  }
  return "question not in a known template"
}

/** Level 1 is one + or − of two numbers; anything else is level 2 (nested, or × ÷). */
const arithmeticLevel = (e: Expr): number =>
  e._tag === "Op" && (e.op === "+" || e.op === "-") && e.args.length === 2 && e.args.every(isNumber) ? 1 : 2

const EVALUATE = /^Let (\w+)\((\w+)\) = (.+)\. (?:What is|Calculate|Give|Determine) (\w+)\((.+)\)[?.]$/

const ORDINALS: Readonly<Record<string, number>> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 }
const DIFFERENTIATE: ReadonlyArray<readonly [RegExp, { readonly nth?: number; readonly f: number; readonly v?: number }]> = [
  [/^(?:Find|What is) the (\w+) derivative of (.+) wrt (\w+)[.?]$/, { nth: 1, f: 2, v: 3 }],
  [/^Differentiate (.+) (?:with respect to|wrt) (\w+)\.$/, { f: 1, v: 2 }],
  [/^What is the derivative of (.+) wrt (\w+)\?$/, { f: 1, v: 2 }],
  [/^(?:Find|What is) the (\w+) derivative of (.+)[.?]$/, { nth: 1, f: 2 }],
  [/^Differentiate (.+)\.$/, { f: 1 }],
  [/^What is the derivative of (.+)\?$/, { f: 1 }]
]

const LINEAR = /^Solve (.+) for (\w+)\.$/

/** One symbol at most, renamed x. */
const renameToX = (e: Expr, v: string): Expr | Refusal => {
  const others = freeSymbols(e).filter((s) => s !== v)
  if (others.length > 0) return `a symbol other than the variable (${others.join(", ")})`
  return v === "x" ? e : substitute(e, v, sym("x"))
}

const convertQuestion = (kind: ModuleKind, q: string, answerText: string): Converted | Refusal => {
  const answer = infix(answerText)
  if (answer === undefined) return "the answer is not a number or a formula we read"
  switch (kind) {
    case "arithmetic": {
      const input = arithmeticQuestion(q)
      if (typeof input === "string") return input
      if (!isNumber(answer)) return "the answer is not a number"
      return { level: arithmeticLevel(input), input, bindings: [], answer }
    }
    case "evaluate": {
      const m = EVALUATE.exec(q)
      if (m === null || m[1] !== m[4]) return "question not in a known template"
      const body = infix(m[3] as string)
      const at = infix(m[5] as string)
      if (body === undefined) return "the polynomial does not parse"
      if (at === undefined || at._tag !== "Integer") return "the argument is not an integer"
      const input = renameToX(body, m[2] as string)
      if (typeof input === "string") return input
      if (!isNumber(answer)) return "the answer is not a number"
      return { level: 3, input, bindings: freeSymbols(input).length === 0 ? [] : [["x", Number(at.value)]], answer }
    }
    case "differentiate": {
      for (const [pattern, where] of DIFFERENTIATE) {
        const m = pattern.exec(q)
        if (m === null) continue
        const order = where.nth === undefined ? 1 : ORDINALS[m[where.nth] as string]
        if (order === undefined) return "an order of derivative we do not read"
        const f = infix(m[where.f] as string)
        if (f === undefined) return "the function does not parse"
        const free = freeSymbols(f)
        const v = where.v === undefined ? (free.length === 1 ? free[0] : undefined) : m[where.v]
        if (v === undefined) return "the variable is not named and the function has several symbols"
        let input = f
        for (let i = 0; i < order; i++) input = fn("derive", input, sym(v))
        return { level: 5, input, bindings: [], answer }
      }
      return "question not in a known template"
    }
    case "linear": {
      const m = LINEAR.exec(q)
      const eq = m === null ? undefined : infix(m[1] as string)
      if (m === null || eq === undefined || eq._tag !== "Fn" || eq.fn !== "=") return "question not in a known template"
      const renamed = renameToX(eq, m[2] as string)
      if (typeof renamed === "string") return renamed
      if (!isNumber(answer)) return "the answer is not a number"
      return { level: 7, input: fn("solve", renamed, sym("x")), bindings: [], answer }
    }
  }
}

/** A question and its answer (one pair of lines of a module's file) in our terms, or why not. */
export const convertDeepmind = (module: string, question: string, answer: string): Either.Either<Converted, Refusal> => {
  const kind = deepmindModules.get(module)
  if (kind === undefined) return Either.left("not a module whose skill the curriculum teaches")
  const r = convertQuestion(kind, question.trim(), answer.trim())
  return typeof r === "string" ? Either.left(r) : Either.right(r)
}
