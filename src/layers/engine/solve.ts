/**
 * Equation solving over the reals (SPEC §1, level 7).
 *
 * `(= lhs rhs)` (or an expression e, meaning e = 0) becomes lhs − rhs, which is read
 * exactly as a rational function N(v)/D(v) of the variable (polynomial.ts): sums,
 * differences, products, quotients and integer powers of v, with every v-free subtree
 * evaluated exactly. The solutions are the real roots of N that do not make any divisor
 * of the original equation vanish:
 * - degree 1 (every linear equation, however nested, with v on both sides): −b/a, exact;
 * - degree 2: exact rational roots, or p ± q·√m with m square-free when the discriminant
 *   is not a perfect square; none when it is negative;
 * - degree ≥ 3: the rational roots (rational root theorem), then the quadratic rest.
 * N ≡ 0 is AllReals (when no divisor can vanish), a nonzero constant N is NoSolution.
 * Solutions are sorted ascending and simplified. Anything else — v inside a function,
 * other unknowns that do not cancel, an irreducible cubic — is EngineError "CannotSolve".
 */
import type { Expr } from "../../domain/Expr.js"
import { add, fn, freeSymbols, int, mul, neg, sub } from "../../domain/Expr.js"
import { print } from "../../domain/Polish.js"
import { EngineError, type SolveResult } from "../../services/Engine.js"
import * as N from "./numeric.js"
import type { Poly } from "./polynomial.js"
import * as P from "./polynomial.js"
import { simplify } from "./simplify.js"

const cannotSolve = (message: string) => new EngineError({ reason: "CannotSolve", message })

/** A real root: exact rational, p + q·√m (m square-free > 1, q > 0), or a float. */
type Root =
  | { readonly _tag: "Exact"; readonly value: N.Q }
  | { readonly _tag: "Surd"; readonly p: N.Q; readonly q: N.Q; readonly m: bigint; readonly factor: Poly }
  | { readonly _tag: "Float"; readonly value: number }

const rootValue = (r: Root): number =>
  r._tag === "Exact" ? N.toFloat(r.value) : r._tag === "Float" ? r.value : N.toFloat(r.p) + N.toFloat(r.q) * Math.sqrt(Number(r.m))

/** n = s²·m with m square-free (trial division; a large unfactored cofactor stays in m). */
const squareFree = (n: bigint): { s: bigint; m: bigint } => {
  let s = 1n
  let m = 1n
  let rest = n
  for (let p = 2n; p * p <= rest && p < 1_000_000n; p += p === 2n ? 1n : 2n) {
    let k = 0
    while (rest % p === 0n) {
      rest /= p
      k++
    }
    if (k > 0) {
      s *= p ** BigInt(Math.floor(k / 2))
      if (k % 2 === 1) m *= p
    }
  }
  // What is left is 1, a prime, or a product of primes ≥ 10⁶: a perfect square is still recognised.
  const r = N.exactRoot(rest, 2)
  if (r !== undefined) s *= r
  else m *= rest
  return { s, m }
}

/** Real roots of a·v² + b·v + c (a ≠ 0). */
const quadraticRoots = (poly: Poly): Array<Root> => {
  const c = P.coeff(poly, 0)
  const b = P.coeff(poly, 1)
  const a = P.coeff(poly, 2)
  if (N.isExact(a) && N.isExact(b) && N.isExact(c)) {
    const disc = N.sub(N.mul(b, b), N.mul(new N.Q(4n, 1n), N.mul(a, c))) as N.Q
    const p = N.div(N.negate(b), N.mul(new N.Q(2n, 1n), a)) as N.Q
    if (disc.n < 0n) return []
    if (disc.n === 0n) return [{ _tag: "Exact", value: p }]
    // √(n/d) = √(n·d)/d = s·√m/d
    const { s, m } = squareFree(disc.n * disc.d)
    const twoA = N.mul(new N.Q(2n, 1n), a) as N.Q
    const qSigned = N.div(new N.Q(s, disc.d), twoA) as N.Q
    const q = new N.Q(qSigned.n < 0n ? -qSigned.n : qSigned.n, qSigned.d)
    if (m === 1n) return [{ _tag: "Exact", value: N.sub(p, q) as N.Q }, { _tag: "Exact", value: N.add(p, q) as N.Q }]
    const negQ = new N.Q(-q.n, q.d)
    return [
      { _tag: "Surd", p, q: negQ, m, factor: poly },
      { _tag: "Surd", p, q, m, factor: poly }
    ]
  }
  const af = N.toFloat(a)
  const bf = N.toFloat(b)
  const cf = N.toFloat(c)
  const disc = bf * bf - 4 * af * cf
  if (disc < 0) return []
  if (disc === 0) return [{ _tag: "Float", value: -bf / (2 * af) }]
  // Numerically stable: no cancellation between −b and √D.
  const t = -0.5 * (bf + (bf >= 0 ? 1 : -1) * Math.sqrt(disc))
  const r1 = t / af
  const r2 = cf / t
  return [
    { _tag: "Float", value: Math.min(r1, r2) },
    { _tag: "Float", value: Math.max(r1, r2) }
  ]
}

/** Real roots of a nonzero, non-constant polynomial, or a CannotSolve error. */
const polynomialRoots = (poly: Poly, what: string): Array<Root> => {
  const d = P.degree(poly)
  if (d === 1) return [rootOfLinear(poly)]
  if (d === 2) return quadraticRoots(poly)
  if (!P.isExactPoly(poly)) throw cannotSolve(`cannot solve ${what}: a polynomial equation of degree ${d} with inexact coefficients`)
  const { roots, rest } = P.rationalRoots(poly)
  const out: Array<Root> = roots.map((r) => ({ _tag: "Exact", value: r.root }))
  const rd = P.degree(rest)
  if (rd === 1) out.push(rootOfLinear(rest))
  else if (rd === 2) out.push(...quadraticRoots(rest))
  else if (rd > 2)
    throw cannotSolve(`cannot solve ${what}: a polynomial of degree ${rd} without rational roots is beyond the solver`)
  return out
}

const rootOfLinear = (poly: Poly): Root => {
  const r = N.div(N.negate(P.coeff(poly, 0)), P.coeff(poly, 1))
  return N.isExact(r) ? { _tag: "Exact", value: r } : { _tag: "Float", value: r }
}

/** Whether the divisor vanishes at the root (exactly where the root is exact or a surd). */
const vanishesAt = (divisor: Poly, root: Root): boolean => {
  switch (root._tag) {
    case "Exact":
      if (P.isExactPoly(divisor)) return N.isZero(P.peval(divisor, root.value))
      break
    case "Surd":
      // An irrational quadratic root is a root of the divisor iff its (irreducible) factor divides it.
      if (P.isExactPoly(divisor)) return P.pdivmod(divisor, root.factor).r.length === 0
      break
    case "Float":
      break
  }
  const x = rootValue(root)
  let scale = 0
  let xp = 1
  for (const c of divisor) {
    scale += Math.abs(N.toFloat(c) * xp)
    xp *= Math.abs(x)
  }
  return Math.abs(N.toFloat(P.peval(divisor, x))) <= 1e-9 * scale
}

/** Whether an (exact) polynomial has a real root; undefined when the solver cannot tell. */
const hasRealRoot = (p: Poly): boolean | undefined => {
  const d = P.degree(p)
  if (d <= 0) return false
  if (d % 2 === 1) return true
  if (d === 2) {
    const [c, b, a] = [P.coeff(p, 0), P.coeff(p, 1), P.coeff(p, 2)]
    return N.sign(N.sub(N.mul(b, b), N.mul(new N.Q(4n, 1n), N.mul(a, c)))) >= 0
  }
  return undefined
}

const rootExpr = (r: Root): Expr => {
  switch (r._tag) {
    case "Exact":
      return N.toExpr(r.value)
    case "Float":
      return N.toExpr(r.value + 0) // no −0
    case "Surd": {
      const absQ = new N.Q(r.q.n < 0n ? -r.q.n : r.q.n, r.q.d)
      const root = fn("sqrt", int(r.m))
      const term = N.isOne(absQ) ? root : mul(N.toExpr(absQ), root)
      if (N.isZero(r.p)) return r.q.n < 0n ? neg(term) : term
      return r.q.n < 0n ? sub(N.toExpr(r.p), term) : add(N.toExpr(r.p), term)
    }
  }
}

const wrapNotRational = (what: string, v: string, run: () => P.Extracted): P.Extracted => {
  try {
    return run()
  } catch (err) {
    if (err instanceof P.NotRational)
      throw cannotSolve(`cannot solve ${what} for ${v}: it is not a polynomial or rational equation in ${v} (${err.why})`)
    throw err
  }
}

/** Solves `(= lhs rhs)` (or `e`, meaning e = 0) for `v` over the reals. Throws EngineError. */
export const solve = (equation: Expr, v: string): SolveResult => {
  const what = print(equation)
  let lhs: Expr = equation
  let rhs: Expr = int(0)
  if (equation._tag === "Fn" && equation.fn === "=") {
    if (equation.args.length !== 2) throw cannotSolve(`cannot solve ${what}: "=" takes exactly two sides`)
    lhs = equation.args[0] as Expr
    rhs = equation.args[1] as Expr
  }
  let difference = sub(lhs, rhs)
  const hasEquals = (e: Expr): boolean =>
    e._tag === "Fn" ? e.fn === "=" || e.fn === "derive" || e.fn === "integrate" || e.fn === "solve" || e.args.some(hasEquals)
    : e._tag === "Op" ? e.args.some(hasEquals) : false
  if (hasEquals(difference)) throw cannotSolve(`cannot solve ${what}: a side contains an equation or a calculus operator`)
  const others = freeSymbols(difference).filter((s) => s !== v)
  if (others.length > 0) {
    // Other unknowns are allowed only when they cancel.
    const simplified = simplify(difference)
    const left = freeSymbols(simplified).filter((s) => s !== v)
    if (left.length > 0)
      throw cannotSolve(`cannot solve ${what} for ${v}: it has other unknowns (${left.join(", ")}) that do not cancel`)
    difference = simplified
  }
  const { value, divisors } = wrapNotRational(what, v, () => P.toRational(difference, v))
  const allDivisors = value.den.length > 1 ? [...divisors, value.den] : divisors
  const numerator = value.num
  if (P.isZeroPoly(numerator)) {
    for (const d of allDivisors) {
      const real = P.isExactPoly(d) ? hasRealRoot(d) : undefined
      if (real !== false)
        throw cannotSolve(
          `cannot solve ${what} for ${v}: it holds for every ${v} where both sides are defined, but not where a divisor vanishes`
        )
    }
    return { _tag: "AllReals" }
  }
  if (P.degree(numerator) === 0) return { _tag: "NoSolution" }
  const roots = polynomialRoots(numerator, what).filter((r) => !allDivisors.some((d) => vanishesAt(d, r)))
  if (roots.length === 0) return { _tag: "NoSolution" }
  roots.sort((a, b) => rootValue(a) - rootValue(b))
  const unique: Array<Root> = []
  for (const r of roots) {
    const last = unique[unique.length - 1]
    if (last !== undefined && sameRoot(last, r)) continue
    unique.push(r)
  }
  return { _tag: "Solutions", values: unique.map((r) => simplify(rootExpr(r))) }
}

const sameRoot = (a: Root, b: Root): boolean => {
  if (a._tag === "Exact" && b._tag === "Exact") return N.compare(a.value, b.value) === 0
  if (a._tag === "Surd" && b._tag === "Surd") return a.m === b.m && N.compare(a.p, b.p) === 0 && N.compare(a.q, b.q) === 0
  return rootValue(a) === rootValue(b)
}
