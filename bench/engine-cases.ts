/**
 * The fixed, seeded problem set of bench/engine.ts, written as Polish lines
 * `kind<TAB>problem` so that bench/engine_sympy.py reads exactly the same inputs:
 *
 *   derive     (derive f x)            2,000 — ≈ 60 % random trees in the style of level 5
 *                                      (height ≤ 4 over x and 1…9, + − × ÷ ^, sin cos exp ln),
 *                                      ≈ 40 % structured: polynomials, products, sin/cos/exp/ln
 *                                      of linear arguments, quotients, nested functions
 *   integrate  (integrate f x a b)     1,000 — the level-6 families: sums of 1–3 terms
 *                                      c·x^k (k ≤ 4), c·sin/cos/exp(kx), c/x (then 1 ≤ a);
 *                                      the antiderivative row uses f, the definite row all of it
 *   solve      (solve (= l r) x)       1,200 — 1,000 linear in the style of level 7 (nested,
 *                                      x on one or both sides, one solution), 200 quadratic
 *                                      (two, one or no real roots, rational or surd)
 *
 * The generators are copies of the curriculum's (src/plugins/builtin/level5–7.ts), not
 * imports, so that the set stays fixed while the curriculum evolves; they depend only on
 * Rng (xoshiro128**), the Expr constructors and the printer. Duplicates are removed;
 * a derivative input must be defined (and < 1e8) at ≥ 3 of the cross-check points.
 */
import type { Expr, UnaryFunction } from "../src/domain/Expr.js"
import { contains, fn, int, op, sym } from "../src/domain/Expr.js"
import { print } from "../src/domain/Polish.js"
import { Rng } from "../src/domain/Random.js"

export const SEED = 20_240_611
export const CHECK_POINTS: ReadonlyArray<number> = [0.35, 0.8, 1.3, 1.9, 2.6]

export type Kind = "derive" | "integrate" | "solve"
export interface Case {
  readonly kind: Kind
  readonly polish: string
}

const X = sym("x")

const weighted = (rng: Rng, weights: ReadonlyArray<number>): number => {
  let total = 0
  for (const w of weights) total += w
  let r = rng.next() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number
    if (r < 0) return i
  }
  return weights.length - 1
}

/** Plain double value with x bound; NaN where undefined (only what the generators build). */
export const floatAt = (e: Expr, x: number): number => {
  switch (e._tag) {
    case "Integer":
      return Number(e.value)
    case "Float":
      return e.value
    case "Rational":
      return Number(e.num) / Number(e.den)
    case "Symbol":
      return e.name === "x" ? x : NaN
    case "Fn": {
      const a = floatAt(e.args[0] as Expr, x)
      switch (e.fn) {
        case "sin":
          return Math.sin(a)
        case "cos":
          return Math.cos(a)
        case "exp":
          return Math.exp(a)
        case "ln":
          return a > 0 ? Math.log(a) : NaN
        default:
          return NaN
      }
    }
    case "Op": {
      const vs = e.args.map((a) => floatAt(a, x))
      if (e.op === "-" && vs.length === 1) return -(vs[0] as number)
      let acc = vs[0] as number
      for (let i = 1; i < vs.length; i++) {
        const b = vs[i] as number
        if (e.op === "+") acc += b
        else if (e.op === "-") acc -= b
        else if (e.op === "*") acc *= b
        else if (e.op === "/") acc = b === 0 ? NaN : acc / b
        else if (e.op === "^") acc = Math.pow(acc, b)
        else return NaN
      }
      return Number.isFinite(acc) ? acc : NaN
    }
  }
}

const definedEnough = (f: Expr): boolean => {
  let ok = 0
  for (const x of CHECK_POINTS) {
    const v = floatAt(f, x)
    if (!Number.isNaN(v) && Math.abs(v) < 1e8) ok++
  }
  return ok >= 3
}

// ---- derivative inputs --------------------------------------------------------------

const D_OPS = ["+", "-", "*", "/", "^"] as const
const D_OP_WEIGHTS = [0.22, 0.18, 0.25, 0.15, 0.2]
const D_FUNCTIONS: ReadonlyArray<UnaryFunction> = ["sin", "cos", "exp", "ln"]

/** Level 5's calculusTree: height ≤ d over x and 1…9; x-free subtrees collapse to an integer. */
const calculusTree = (rng: Rng, d: number): Expr => {
  if (d <= 0) return rng.bool(0.65) ? X : int(rng.int(1, 9))
  let e: Expr
  if (rng.bool(0.3)) e = fn(rng.pick(D_FUNCTIONS), calculusTree(rng, d - 1))
  else {
    const o = D_OPS[weighted(rng, D_OP_WEIGHTS)] as (typeof D_OPS)[number]
    if (o === "^") e = op("^", calculusTree(rng, d - 1), int(rng.int(2, 5)))
    else {
      const deepLeft = rng.bool()
      const shallow = rng.int(0, d - 1)
      e = op(o, calculusTree(rng, deepLeft ? d - 1 : shallow), calculusTree(rng, deepLeft ? shallow : d - 1))
    }
  }
  return contains(e, "x") ? e : int(rng.int(1, 9))
}

const nonZero = (rng: Rng, lo: number, hi: number): number => {
  for (;;) {
    const k = rng.int(lo, hi)
    if (k !== 0) return k
  }
}
const coeffTimes = (c: number, e: Expr): Expr => (c === 1 ? e : c === -1 ? op("-", e) : op("*", int(c), e))
const power = (k: number): Expr => (k === 0 ? int(1) : k === 1 ? X : op("^", X, int(k)))

/** a·x + b with a ≠ 0 (b may be 0). */
const linearArg = (rng: Rng): Expr => {
  const a = nonZero(rng, -5, 5)
  const b = rng.int(-6, 6)
  const ax = a === 1 ? X : op("*", int(a), X)
  return b === 0 ? ax : b > 0 ? op("+", ax, int(b)) : op("-", ax, int(-b))
}

/** A polynomial Σ c_k x^k with `terms` distinct degrees ≤ maxDeg. */
const polynomial = (rng: Rng, terms: number, maxDeg: number): Expr => {
  const degrees = new Set<number>()
  while (degrees.size < Math.min(terms, maxDeg + 1)) degrees.add(rng.int(0, maxDeg))
  const sorted = [...degrees].sort((a, b) => b - a)
  if (sorted[0] === 0) sorted[0] = 1
  const parts = sorted.map((k) => (k === 0 ? int(nonZero(rng, -9, 9)) : coeffTimes(nonZero(rng, -9, 9), power(k))))
  return parts.length === 1 ? (parts[0] as Expr) : op("+", ...parts)
}

const F4 = ["sin", "cos", "exp", "ln"] as const
const F3 = ["sin", "cos", "exp"] as const

const structured = (rng: Rng): Expr => {
  switch (rng.int(0, 7)) {
    case 0: // polynomial
      return polynomial(rng, rng.int(2, 5), rng.int(2, 6))
    case 1: // c·f(ax + b)
      return coeffTimes(nonZero(rng, -9, 9), fn(rng.pick(F4), linearArg(rng)))
    case 2: // polynomial × f(ax + b)
      return op("*", polynomial(rng, rng.int(1, 3), rng.int(1, 3)), fn(rng.pick(F4), linearArg(rng)))
    case 3: // quotient of polynomials, or of a function by a polynomial
      return rng.bool(0.5)
        ? op("/", polynomial(rng, rng.int(1, 3), rng.int(1, 3)), polynomial(rng, rng.int(2, 3), 2))
        : op("/", fn(rng.pick(F4), linearArg(rng)), op("+", op("^", X, int(2)), int(rng.int(1, 9))))
    case 4: // nested functions
      return fn(rng.pick(F3), fn(rng.pick(F4), linearArg(rng)))
    case 5: // f(x^k + c), ln(x^2 + c)
      return fn(rng.pick(F4), op("+", op("^", X, int(rng.int(2, 4))), int(rng.int(1, 9))))
    case 6: // (ax + b)^n
      return op("^", linearArg(rng), int(rng.int(2, 7)))
    default: // x^k · exp(ax) · sin/cos(bx), or sin(ax)·cos(bx)
      return rng.bool(0.5)
        ? op("*", power(rng.int(1, 3)), fn("exp", linearArg(rng)), fn(rng.pick(["sin", "cos"] as const), linearArg(rng)))
        : op("*", fn("sin", linearArg(rng)), fn("cos", linearArg(rng)))
  }
}

// ---- integrands (level 6) --------------------------------------------------------------

const scaled = (c: number, e: Expr): Expr => (c === 1 ? e : op("*", int(c), e))
const monomial = (c: number, k: number): Expr =>
  k === 0 ? int(c) : k === 1 ? scaled(c, X) : scaled(c, op("^", X, int(k)))

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
    const f = rng.pick(F3)
    const k = rng.bool(0.7) ? rng.int(1, 3) : -rng.int(1, 3)
    return { key: `${f}${k}`, e: scaled(c, fn(f, k === 1 ? X : op("*", int(k), X))), reciprocal: false }
  }
  return { key: "1/x", e: op("/", int(c), X), reciprocal: true }
}

const integrateProblem = (rng: Rng): Expr => {
  const n = 1 + weighted(rng, [0.2, 0.45, 0.35])
  const terms: Array<Term> = []
  while (terms.length < n) {
    const t = drawTerm(rng, !terms.some((u) => u.reciprocal))
    if (!terms.some((u) => u.key === t.key)) terms.push(t)
  }
  let f = (terms[0] as Term).e
  if (n === 1 && rng.bool(0.15)) f = op("-", f)
  for (let i = 1; i < n; i++) f = op(rng.bool(0.6) ? "+" : "-", f, (terms[i] as Term).e)
  const lo = terms.some((t) => t.reciprocal) ? 1 : -5
  const a = rng.int(lo, 4)
  const b = rng.int(a + 1, 5)
  return fn("integrate", f, X, int(a), int(b))
}

// ---- equations (level 7, plus quadratics) ------------------------------------------------

const linearTree = (rng: Rng, d: number, withX: boolean): Expr => {
  if (d <= 0) return withX || rng.bool(0.5) ? X : int(rng.int(1, 9))
  switch (weighted(rng, [0.3, 0.25, 0.3, 0.15])) {
    case 0:
    case 1: {
      const xLeft = !withX || rng.bool(0.6)
      const deepLeft = rng.bool()
      const shallow = rng.int(0, d - 1)
      return op(
        rng.bool(0.55) ? "+" : "-",
        linearTree(rng, deepLeft ? d - 1 : shallow, withX && xLeft),
        linearTree(rng, deepLeft ? shallow : d - 1, withX && !xLeft)
      )
    }
    case 2: {
      const k = int(rng.int(2, 9))
      const inner = linearTree(rng, d - 1, withX)
      return rng.bool(0.7) ? op("*", k, inner) : op("*", inner, k)
    }
    default:
      return op("/", linearTree(rng, d - 1, withX), int(rng.int(2, 9)))
  }
}

/** (α, β) of a side α·x + β, read off at x = 0 and 1 (the sides are linear by construction). */
const affineOf = (e: Expr): readonly [number, number] => {
  const b = floatAt(e, 0)
  return [floatAt(e, 1) - b, b]
}

const linearEquation = (rng: Rng): Expr => {
  for (;;) {
    const bothSides = rng.bool(0.45)
    let lhs = linearTree(rng, 1 + weighted(rng, [0.12, 0.43, 0.45]), true)
    let rhs = linearTree(rng, weighted(rng, [0.3, 0.4, 0.3]), bothSides)
    if (!bothSides && contains(rhs, "x")) continue
    const [la, lb] = affineOf(lhs)
    if (!bothSides && rng.bool(0.75)) {
      const c = la * rng.int(-10, 10) + lb // the solution is then that integer
      if (Math.abs(c - Math.round(c)) < 1e-9 && Math.abs(c) <= 999) rhs = int(Math.round(c))
    }
    const [ra] = affineOf(rhs)
    if (Math.abs(la - ra) < 1e-9) continue // no unique solution
    if (rng.bool(0.3)) [lhs, rhs] = [rhs, lhs]
    return fn("solve", fn("=", lhs, rhs), X)
  }
}

const quadraticEquation = (rng: Rng): Expr => {
  const eqn = (l: Expr, r: Expr) => fn("solve", fn("=", l, r), X)
  switch (rng.int(0, 3)) {
    case 0: // a x^2 + b x + c = 0
      return eqn(op("+", coeffTimes(nonZero(rng, -6, 6), power(2)), coeffTimes(nonZero(rng, -9, 9), X), int(nonZero(rng, -9, 9))), int(0))
    case 1: // (x − p)(a x + b) = k
      return eqn(op("*", op("-", X, int(rng.int(-6, 6))), linearArg(rng)), int(rng.int(-9, 9)))
    case 2: // x^2 + b x = d x + e   (x on both sides)
      for (;;) {
        const b = nonZero(rng, -9, 9)
        const d = nonZero(rng, -9, 9)
        if (b === d) continue
        return eqn(op("+", op("^", X, int(2)), op("*", int(b), X)), op("+", op("*", int(d), X), int(rng.int(-9, 9))))
      }
    default: // (x + a)^2 = k, k possibly negative (no real root)
      return eqn(op("^", op("+", X, int(nonZero(rng, -6, 6))), int(2)), int(rng.int(-4, 20)))
  }
}

// ---- the set -----------------------------------------------------------------------------

const distinct = (n: number, draw: () => Expr, keep: (e: Expr) => boolean = () => true): Array<string> => {
  const seen = new Set<string>()
  const out: Array<string> = []
  let attempts = 0
  while (out.length < n) {
    if (++attempts > n * 200) throw new Error(`could not draw ${n} distinct problems`)
    const e = draw()
    if (!keep(e)) continue
    const s = print(e)
    if (seen.has(s)) continue
    seen.add(s)
    out.push(s)
  }
  return out
}

export interface CaseCounts {
  readonly derive: number
  readonly integrate: number
  readonly linear: number
  readonly quadratic: number
}
export const DEFAULT_COUNTS: CaseCounts = { derive: 2000, integrate: 1000, linear: 1000, quadratic: 200 }

/** The fixed set: derivative inputs, integrands, then equations (quadratics interleaved every 6th). */
export const buildCases = (seed: number = SEED, counts: CaseCounts = DEFAULT_COUNTS): Array<Case> => {
  const rD = Rng.seeded(seed, 5)
  const deriveLines = distinct(
    counts.derive,
    () => {
      const f = rD.next() < 0.6 ? calculusTree(rD, 1 + weighted(rD, [0.02, 0.1, 0.38, 0.5])) : structured(rD)
      return fn("derive", f, X)
    },
    (e) => {
      const f = (e as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr
      return contains(f, "x") && definedEnough(f)
    }
  )
  const rI = Rng.seeded(seed, 6)
  const integrateLines = distinct(counts.integrate, () => integrateProblem(rI))
  const rL = Rng.seeded(seed, 7)
  const linear = distinct(counts.linear, () => linearEquation(rL))
  const rQ = Rng.seeded(seed, 8)
  const quadratic = distinct(counts.quadratic, () => quadraticEquation(rQ))
  // Interleave so that any prefix (the SymPy subset) has the same mix.
  const solveLines: Array<string> = []
  let qi = 0
  for (let i = 0; i < linear.length; i++) {
    solveLines.push(linear[i] as string)
    if (i % 5 === 4 && qi < quadratic.length) solveLines.push(quadratic[qi++] as string)
  }
  while (qi < quadratic.length) solveLines.push(quadratic[qi++] as string)
  return [
    ...deriveLines.map((polish): Case => ({ kind: "derive", polish })),
    ...integrateLines.map((polish): Case => ({ kind: "integrate", polish })),
    ...solveLines.map((polish): Case => ({ kind: "solve", polish }))
  ]
}

export const toLines = (cases: ReadonlyArray<Case>): string => cases.map((c) => `${c.kind}\t${c.polish}\n`).join("")
