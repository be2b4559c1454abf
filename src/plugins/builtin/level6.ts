/**
 * Level 6 — integration: `(integrate f x a b)` with f a sum of one to three terms from
 * the integrable families — c·x^k (k ≤ 4), c·sin(kx), c·cos(kx), c·exp(kx)
 * (k ∈ [−3, 3] \ {0}), c/x (then 1 ≤ a) — with c ∈ [1, 9], and integer bounds
 * a < b in [−5, 5] → the definite value (expected_result) and the antiderivative
 * (expected_symbolic).
 *
 * No bindings: x is the variable of integration, bound by `integrate`.
 */
import type { Expr } from "../../domain/Expr.js"
import { fn, int, op, substitute, sym } from "../../domain/Expr.js"
import type { Rng } from "../../domain/Random.js"
import { defaultAnswer, numberOf } from "../answer.js"
import type { Answer, CurriculumLevel, EngineKernel, Problem, Verdict } from "../../services/CurriculumLevel.js"
import { noBindings, weighted } from "./trees.js"

const X = sym("x")

const scaled = (c: number, e: Expr): Expr => (c === 1 ? e : op("*", int(c), e))

const monomial = (c: number, k: number): Expr =>
  k === 0 ? int(c) : k === 1 ? scaled(c, X) : scaled(c, op("^", X, int(k)))

const TRANSCENDENTAL = ["sin", "cos", "exp"] as const

interface Term {
  readonly key: string
  readonly e: Expr
  readonly reciprocal: boolean
}

const drawTerm = (rng: Rng, allowReciprocal: boolean): Term => {
  const kind = weighted(rng, allowReciprocal ? [0.45, 0.4, 0.15] : [0.45, 0.4, 0])
  const c = rng.int(1, 9)
  if (kind === 0) {
    const k = rng.int(0, 4)
    return { key: `x^${k}`, e: monomial(c, k), reciprocal: false }
  }
  if (kind === 1) {
    const f = rng.pick(TRANSCENDENTAL)
    const k = rng.bool(0.7) ? rng.int(1, 3) : -rng.int(1, 3)
    return { key: `${f}${k}`, e: scaled(c, fn(f, k === 1 ? X : op("*", int(k), X))), reciprocal: false }
  }
  return { key: "1/x", e: op("/", int(c), X), reciprocal: true }
}

export const drawIntegrand = (rng: Rng): { readonly f: Expr; readonly positiveOnly: boolean } => {
  const n = 1 + weighted(rng, [0.2, 0.45, 0.35])
  const terms: Array<Term> = []
  while (terms.length < n) {
    const t = drawTerm(rng, !terms.some((u) => u.reciprocal))
    if (!terms.some((u) => u.key === t.key)) terms.push(t)
  }
  let f = (terms[0] as Term).e
  if (n === 1 && rng.bool(0.15)) f = op("-", f)
  for (let i = 1; i < n; i++) f = op(rng.bool(0.6) ? "+" : "-", f, (terms[i] as Term).e)
  return { f, positiveOnly: terms.some((t) => t.reciprocal) }
}

// ---- shape check ---------------------------------------------------------------------

const isX = (e: Expr): boolean => e._tag === "Symbol" && e.name === "x"
const isInt = (e: Expr | undefined): boolean => e !== undefined && e._tag === "Integer"

/** k·x or x·k or x, with k an integer. */
const isLinearArg = (e: Expr): boolean =>
  isX(e) || (e._tag === "Op" && e.op === "*" && e.args.length === 2 && ((isInt(e.args[0]) && isX(e.args[1] as Expr)) || (isX(e.args[0] as Expr) && isInt(e.args[1]))))

/** One term: an integer coefficient times a family member, possibly negated. Returns "1/x", "ok" or a reason. */
const termKind = (e: Expr): "1/x" | "ok" | string => {
  if (isInt(e) || isX(e)) return "ok"
  if (e._tag === "Op" && e.op === "-" && e.args.length === 1) return termKind(e.args[0] as Expr)
  if (e._tag === "Op" && e.op === "^" && e.args.length === 2 && isX(e.args[0] as Expr) && isInt(e.args[1])) {
    const k = (e.args[1] as Extract<Expr, { _tag: "Integer" }>).value
    return k >= 0n && k <= 4n ? "ok" : `x^${k} is beyond degree 4`
  }
  if (e._tag === "Fn" && (e.fn === "sin" || e.fn === "cos" || e.fn === "exp"))
    return isLinearArg(e.args[0] as Expr) ? "ok" : `${e.fn} of something other than k·x`
  if (e._tag === "Op" && e.op === "/" && e.args.length === 2 && isInt(e.args[0]) && isX(e.args[1] as Expr)) return "1/x"
  if (e._tag === "Op" && e.op === "*" && e.args.length === 2) {
    const [a, b] = e.args as [Expr, Expr]
    if (isInt(a)) return termKind(b)
    if (isInt(b)) return termKind(a)
  }
  return "a term outside the integrable families"
}

const checkIntegrand = (f: Expr): { readonly verdict: Verdict; readonly reciprocal: boolean } => {
  let reciprocal = false
  const stack: Array<Expr> = [f]
  while (stack.length > 0) {
    const e = stack.pop() as Expr
    if (e._tag === "Op" && (e.op === "+" || (e.op === "-" && e.args.length === 2))) {
      for (const a of e.args) stack.push(a)
      continue
    }
    const k = termKind(e)
    if (k === "1/x") reciprocal = true
    else if (k !== "ok") return { verdict: k, reciprocal }
  }
  return { verdict: undefined, reciprocal }
}

const conformsIntegrate = (p: Problem): Verdict => {
  const e = p.input
  if (e._tag !== "Fn" || e.fn !== "integrate" || e.args.length !== 4) return "the input is not (integrate f x a b)"
  const [f, v, a, b] = e.args as [Expr, Expr, Expr, Expr]
  if (!isX(v)) return "the variable is not x"
  if (a._tag !== "Integer" || b._tag !== "Integer") return "the bounds are not integers"
  if (!(a.value < b.value)) return "the bounds are not a < b"
  if (a.value < -5n || b.value > 5n) return "the bounds are outside [-5, 5]"
  const { verdict, reciprocal } = checkIntegrand(f)
  if (verdict !== undefined) return verdict
  if (reciprocal && a.value <= 0n) return "1/x needs a positive range"
  return noBindings(p)
}

/**
 * The Engine's antiderivative F, and the definite value F(b) − F(a) evaluated exactly by
 * the Engine at the integer bounds (every family is continuous on the level's ranges,
 * 1/x being drawn on positive ranges only). The general `definiteIntegral` would derive F
 * again and run its own quadrature; verification runs quadrature anyway. Other bounds
 * (pi, e…) take the default answer.
 */
const answerIntegral = (p: Problem, engine: EngineKernel): Answer => {
  const e = p.input
  if (e._tag !== "Fn" || e.fn !== "integrate" || e.args.length !== 4) return defaultAnswer(p, engine)
  const [f, v, a, b] = e.args as [Expr, Expr, Expr, Expr]
  if (v._tag !== "Symbol" || a._tag !== "Integer" || b._tag !== "Integer") return defaultAnswer(p, engine)
  const F = engine.antiderivative(f, v.name)
  const exact = engine.evaluate(op("-", substitute(F, v.name, b), substitute(F, v.name, a)))
  return { result: numberOf(exact, engine), symbolic: F, exact }
}

export const level6: CurriculumLevel = {
  level: 6,
  name: "integration",
  skill: "(integrate f x a b), f a sum of c*x^k (k <= 4), c*sin/cos/exp(kx), c/x (positive range); integer a < b in [-5, 5]",
  samples: 100_000,
  output: "number+expression",
  module: import.meta.url,
  answer: answerIntegral,
  generate: (rng) => {
    const { f, positiveOnly } = drawIntegrand(rng)
    const lo = positiveOnly ? 1 : -5
    const a = rng.int(lo, 4)
    const b = rng.int(a + 1, 5)
    return { input: fn("integrate", f, X, int(a), int(b)) }
  },
  conforms: conformsIntegrate
}

export default level6
