/**
 * Level 7 — equation solving: `(solve (= lhs rhs) x)`, both sides linear in x and
 * nested (height ≤ 3; + − × by an integer, ÷ by an integer in [2, 9]; integers in
 * [1, 9]), x on one side or on both, one solution → the solution (a number).
 *
 * The whole equation is the input. Extra fields, for a learner's auxiliary targets:
 * `lhs_affine` and `rhs_affine`, each side written as α·x + β → `[α, β]`; they are an
 * extension: a line without them is verified by solving. When x is
 * on one side only, the other side is usually chosen so that the solution is an
 * integer in [−10, 10]; otherwise the solution is a rational.
 */
import type { Expr } from "../../domain/Expr.js"
import { contains, fn, int, op, rational, sym } from "../../domain/Expr.js"
import type { Rng } from "../../domain/Random.js"
import type { CurriculumLevel, Problem, Verdict } from "../../services/CurriculumLevel.js"
import { noBindings, weighted } from "./trees.js"

const X = sym("x")

/** An exact rational n/d with d > 0 (small, so bigint is plenty). */
export interface Frac {
  readonly n: bigint
  readonly d: bigint
}
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a
  b = b < 0n ? -b : b
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}
const frac = (n: bigint, d = 1n): Frac => {
  if (d < 0n) [n, d] = [-n, -d]
  const g = gcd(n, d) || 1n
  return { n: n / g, d: d / g }
}
const fadd = (a: Frac, b: Frac): Frac => frac(a.n * b.d + b.n * a.d, a.d * b.d)
const fsub = (a: Frac, b: Frac): Frac => frac(a.n * b.d - b.n * a.d, a.d * b.d)
const fmul = (a: Frac, b: Frac): Frac => frac(a.n * b.n, a.d * b.d)
const fdiv = (a: Frac, b: Frac): Frac => frac(a.n * b.d, a.d * b.n)
const isZero = (a: Frac): boolean => a.n === 0n
export const fracNumber = (a: Frac): number => Number(a.n) / Number(a.d)
export const fracExpr = (a: Frac): Expr => rational(a.n, a.d)

/** `e` as α·v + β, or undefined when it is not affine in v (or not built from + − × ÷ over integers and v). */
export const affine = (e: Expr, v: string): readonly [Frac, Frac] | undefined => {
  switch (e._tag) {
    case "Integer":
      return [frac(0n), frac(e.value)]
    case "Rational":
      return [frac(0n), frac(e.num, e.den)]
    case "Symbol":
      return e.name === v ? [frac(1n), frac(0n)] : undefined
    case "Op": {
      const parts: Array<readonly [Frac, Frac]> = []
      for (const a of e.args) {
        const p = affine(a, v)
        if (p === undefined) return undefined
        parts.push(p)
      }
      const first = parts[0] as readonly [Frac, Frac]
      if (e.op === "-" && parts.length === 1) return [fsub(frac(0n), first[0]), fsub(frac(0n), first[1])]
      let [al, be] = first
      for (let i = 1; i < parts.length; i++) {
        const [a2, b2] = parts[i] as readonly [Frac, Frac]
        switch (e.op) {
          case "+":
            ;[al, be] = [fadd(al, a2), fadd(be, b2)]
            break
          case "-":
            ;[al, be] = [fsub(al, a2), fsub(be, b2)]
            break
          case "*":
            if (!isZero(al) && !isZero(a2)) return undefined // x·x
            ;[al, be] = [fadd(fmul(al, b2), fmul(a2, be)), fmul(be, b2)]
            break
          case "/":
            if (!isZero(a2) || isZero(b2)) return undefined // division by x, or by 0
            ;[al, be] = [fdiv(al, b2), fdiv(be, b2)]
            break
          default:
            return undefined
        }
      }
      return [al, be]
    }
    default:
      return undefined
  }
}

/** A linear tree of height exactly d; `withX` forces x to occur. */
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

const affineField = (p: readonly [Frac, Frac]): [number, number] => [fracNumber(p[0]), fracNumber(p[1])]

export const level7: CurriculumLevel = {
  level: 7,
  name: "equation solving",
  skill: "(solve (= lhs rhs) x), both sides linear in x and nested, x on one or both sides, one solution",
  samples: 100_000,
  output: "number",
  module: import.meta.url,
  generate: (rng) => {
    for (;;) {
      const bothSides = rng.bool(0.45)
      let lhs = linearTree(rng, 1 + weighted(rng, [0.12, 0.43, 0.45]), true)
      let rhs = linearTree(rng, weighted(rng, [0.3, 0.4, 0.3]), bothSides)
      const l = affine(lhs, "x")
      let r = affine(rhs, "x")
      if (l === undefined || r === undefined) continue
      if (!bothSides && contains(rhs, "x")) continue
      if (!bothSides && rng.bool(0.75)) {
        // Choose the constant side so that the solution is an integer x0.
        const x0 = frac(BigInt(rng.int(-10, 10)))
        const c = fadd(fmul(l[0], x0), l[1])
        if (c.d === 1n && c.n >= -999n && c.n <= 999n) {
          rhs = int(c.n)
          r = [frac(0n), c]
        }
      }
      if (fsub(l[0], r[0]).n === 0n) continue // no unique solution
      const swap = rng.bool(0.3)
      if (swap) [lhs, rhs] = [rhs, lhs]
      const [la, ra] = swap ? [r, l] : [l, r]
      return {
        input: fn("solve", fn("=", lhs, rhs), X),
        extra: { lhs_affine: affineField(la), rhs_affine: affineField(ra) }
      }
    }
  },
  verify: (p, answer, engine) => {
    // Unique: each side is linear in the variable and the slopes differ (checked with
    // float evaluation at 0, 1, 3). Our own lines carry each side as α·x + β
    // (`lhs_affine`, `rhs_affine`), and then those must be what the Engine computes; a
    // line from another tool may have neither, and is verified by solving alone (the
    // default verification has already substituted its answer).
    const input = p.input as Extract<Expr, { _tag: "Fn" }>
    const eq = input.args[0] as Extract<Expr, { _tag: "Fn" }>
    const variable = input.args[1]?._tag === "Symbol" ? input.args[1].name : "x"
    const at = (e: Expr, x: number) => engine.evalFloat(e, { [variable]: x })
    const sides = [eq.args[0] as Expr, eq.args[1] as Expr]
    const given = [p.extra?.lhs_affine, p.extra?.rhs_affine]
    if ((given[0] === undefined) !== (given[1] === undefined))
      return given[0] === undefined ? "lhs_affine is missing (rhs_affine is given)" : "rhs_affine is missing (lhs_affine is given)"
    const slopes: Array<number> = []
    for (let i = 0; i < 2; i++) {
      const s = sides[i] as Expr
      const y0 = at(s, 0)
      const y1 = at(s, 1)
      const y3 = at(s, 3)
      const tol = 1e-9 * Math.max(1, Math.abs(y0), Math.abs(y1), Math.abs(y3))
      if (!(Math.abs(y3 - 3 * y1 + 2 * y0) <= tol)) return `side ${i + 1} is not linear in ${variable}`
      slopes.push(y1 - y0)
      const field = given[i]
      if (field === undefined) continue
      const [al, be] = Array.isArray(field) && field.length === 2 ? (field as [number, number]) : [NaN, NaN]
      if (!(Math.abs(y1 - y0 - al) <= tol && Math.abs(y0 - be) <= tol)) return `side ${i + 1} is not ${al}·${variable} + ${be}`
    }
    if (!(Math.abs((slopes[0] as number) - (slopes[1] as number)) > 1e-12)) return "the equation has no unique solution"
    return answer.result === null ? "expected_result is missing" : undefined
  },
  conforms: (p: Problem): Verdict => {
    const e = p.input
    if (e._tag !== "Fn" || e.fn !== "solve" || e.args.length !== 2) return "the input is not (solve (= lhs rhs) x)"
    const [eq, v] = e.args as [Expr, Expr]
    if (v._tag !== "Symbol" || v.name !== "x") return "the variable is not x"
    if (eq._tag !== "Fn" || eq.fn !== "=" || eq.args.length !== 2) return "the first argument is not an equation (= lhs rhs)"
    const l = affine(eq.args[0] as Expr, "x")
    const r = affine(eq.args[1] as Expr, "x")
    if (l === undefined || r === undefined) return "a side is not linear in x"
    if (fsub(l[0], r[0]).n === 0n) return "the equation has no unique solution"
    return noBindings(p)
  }
}

export default level7
