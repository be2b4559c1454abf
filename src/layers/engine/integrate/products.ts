/**
 * Products: a sum raised to a small power multiplied out; sin/cos products by the
 * product-to-sum identities; vⁿ·(exp, sin, cos, c^·)(L) by tabular integration by
 * parts, v^q·ln L by parts; exp(L₁)·sin/cos(L₂) by the standard formula.
 */
import type { Expr } from "../../../domain/Expr.js"
import { add, contains, fn, int, ONE } from "../../../domain/Expr.js"
import * as N from "../numeric.js"
import { simplify } from "../simplify.js"
import { cAdd, cDiv, cMul, cNeg, cPow, cSub, linear } from "./build.js"
import type { Factor, Integration } from "./context.js"
import { isInt, isMinusOne, LN10, MAX_TERMS, NoRule, q, rebuild, summands, tryNumber } from "./context.js"

/** (s₁ + … + sₘ)^n multiplied out (unsimplified sum of products). */
export const expand = (sum: Expr, n: number): Expr => {
  const terms = summands(sum)
  let acc: Array<Expr> = [ONE]
  for (let i = 0; i < n; i++) {
    const next: Array<Expr> = []
    for (const a of acc) for (const t of terms) next.push(cMul(a, t))
    if (next.length > MAX_TERMS) throw new NoRule(cPow(sum, q(BigInt(n))), "a power of a sum too large to expand")
    acc = next
  }
  return acc.length === 1 ? (acc[0] as Expr) : add(...acc)
}

const trigUnit = (run: Integration, f: Factor): { fn: "sin" | "cos"; arg: Expr; count: number } | undefined => {
  const { v } = run
  const b = f.base
  if (b._tag !== "Fn" || (b.fn !== "sin" && b.fn !== "cos")) return undefined
  if (!isInt(f.exp) || N.sign(f.exp) <= 0 || (f.exp as N.Q).n > 8n) return undefined
  if (linear(b.args[0] as Expr, v) === undefined) return undefined
  return { fn: b.fn, arg: b.args[0] as Expr, count: Number((f.exp as N.Q).n) }
}

/** Rewrites the first two sin/cos units (of linear arguments) by product-to-sum, when there are two. */
export const trigProductToSum = (run: Integration, factors: ReadonlyArray<Factor>): Expr | undefined => {
  const units: Array<{ index: number; fn: "sin" | "cos"; arg: Expr }> = []
  factors.forEach((f, index) => {
    const t = trigUnit(run, f)
    if (t !== undefined) for (let c = 0; c < t.count && units.length < 2; c++) units.push({ index, fn: t.fn, arg: t.arg })
  })
  if (units.length < 2) return undefined
  const [u1, u2] = units as [(typeof units)[0], (typeof units)[0]]
  const diff = simplify(cSub(u1.arg, u2.arg))
  const sum = simplify(cAdd(u1.arg, u2.arg))
  const half = N.toExpr(q(1n, 2n))
  let identity: Expr
  if (u1.fn === "sin" && u2.fn === "sin") identity = cMul(half, cSub(fn("cos", diff), fn("cos", sum)))
  else if (u1.fn === "cos" && u2.fn === "cos") identity = cMul(half, cAdd(fn("cos", diff), fn("cos", sum)))
  else {
    // sin A cos B = ½[sin(A + B) + sin(A − B)]
    const [s, c] = u1.fn === "sin" ? [u1, u2] : [u2, u1]
    identity = cMul(half, cAdd(fn("sin", sum), fn("sin", simplify(cSub(s.arg, c.arg)))))
  }
  const remaining = factors.map((f, i) => {
    const used = units.filter((u) => u.index === i).length
    return used === 0 ? f : { base: f.base, exp: N.sub(f.exp, q(BigInt(used))) }
  }).filter((f) => !N.isZero(f.exp))
  return cMul(identity, rebuild(remaining))
}

/** ∫ vⁿ·T(L) by tabular integration (T ∈ exp, sin, cos, c^·), or ∫ v^q·ln L by parts. */
export const byParts = (run: Integration, p: Factor, t: Factor): Expr | undefined => {
  const { v, V, integ } = run
  if (p.base._tag !== "Symbol" || p.base.name !== v) return undefined
  const tb = t.base
  if (!isInt(t.exp, 1)) return undefined
  if (tb._tag === "Fn" && (tb.fn === "ln" || tb.fn === "log")) {
    if (isMinusOne(p.exp)) return undefined
    const L = linear(tb.args[0] as Expr, v)
    if (L === undefined) return undefined
    // ∫ v^q ln L = v^(q+1)/(q+1)·ln L − a/(q+1) ∫ v^(q+1)/L
    const q1 = N.add(p.exp, N.ONE)
    const lnL = fn("ln", tb.args[0] as Expr)
    const first = cDiv(cMul(cPow(V, q1), lnL), N.toExpr(q1))
    const second = cMul(cDiv(L.a, N.toExpr(q1)), integ(cDiv(cPow(V, q1), tb.args[0] as Expr)))
    const r = cSub(first, second)
    return tb.fn === "ln" ? r : cDiv(r, LN10)
  }
  if (!isInt(p.exp) || N.sign(p.exp) <= 0 || (p.exp as N.Q).n > 24n) return undefined
  const n = Number((p.exp as N.Q).n)
  // The j-th iterated antiderivative of T(L).
  let G: ((j: number) => Expr) | undefined
  if (tb._tag === "Fn" && (tb.fn === "exp" || tb.fn === "sin" || tb.fn === "cos")) {
    const u = tb.args[0] as Expr
    const L = linear(u, v)
    if (L === undefined) return undefined
    const aj = (j: number) => cPow(L.a, q(BigInt(j)))
    if (tb.fn === "exp") G = (j) => cDiv(fn("exp", u), aj(j))
    else {
      // sin: −cos, −sin, cos, sin, …   cos: sin, −cos, −sin, cos, …
      const cycle: ReadonlyArray<[number, "sin" | "cos"]> =
        tb.fn === "sin" ? [[1, "sin"], [-1, "cos"], [-1, "sin"], [1, "cos"]] : [[1, "cos"], [1, "sin"], [-1, "cos"], [-1, "sin"]]
      G = (j) => {
        const [sg, name] = cycle[j % 4] as [number, "sin" | "cos"]
        const g = cDiv(fn(name, u), aj(j))
        return sg < 0 ? cNeg(g) : g
      }
    }
  } else if (tb._tag === "Op" && tb.op === "^" && tb.args.length === 2 && !contains(tb.args[0] as Expr, v)) {
    const c = tb.args[0] as Expr
    const L = linear(tb.args[1] as Expr, v)
    const cv = tryNumber(c)
    if (L === undefined || cv === undefined || !(N.toFloat(cv) > 0) || (N.isExact(cv) && N.isOne(cv))) return undefined
    G = (j) => cDiv(tb, cPow(cMul(L.a, fn("ln", c)), q(BigInt(j))))
  }
  if (G === undefined) return undefined
  const terms: Array<Expr> = []
  let falling = 1n // n!/(n−k)!
  for (let k = 0; k <= n; k++) {
    const sign = k % 2 === 0 ? 1n : -1n
    terms.push(cMul(int(sign * falling), cPow(V, q(BigInt(n - k))), G(k + 1)))
    falling *= BigInt(n - k)
  }
  return cAdd(...terms)
}

/** ∫ exp(L₁)·sin(L₂) and ∫ exp(L₁)·cos(L₂). */
export const expTrig = (run: Integration, e: Factor, t: Factor): Expr | undefined => {
  const { v } = run
  if (!isInt(e.exp, 1) || !isInt(t.exp, 1)) return undefined
  if (e.base._tag !== "Fn" || e.base.fn !== "exp") return undefined
  if (t.base._tag !== "Fn" || (t.base.fn !== "sin" && t.base.fn !== "cos")) return undefined
  const u1 = e.base.args[0] as Expr
  const u2 = t.base.args[0] as Expr
  const L1 = linear(u1, v)
  const L2 = linear(u2, v)
  if (L1 === undefined || L2 === undefined) return undefined
  const norm = simplify(cAdd(cMul(L1.a, L1.a), cMul(L2.a, L2.a)))
  const s = fn("sin", u2)
  const c = fn("cos", u2)
  const inner = t.base.fn === "sin" ? cSub(cMul(L1.a, s), cMul(L2.a, c)) : cAdd(cMul(L1.a, c), cMul(L2.a, s))
  return cDiv(cMul(fn("exp", u1), inner), norm)
}
