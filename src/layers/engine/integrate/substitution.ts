/**
 * Substitution: f(g)·g′·k → k·F(g) for a factor whose inner g is not linear, found by
 * differentiating g and accepted only when the result checks numerically.
 */
import type { Expr } from "../../../domain/Expr.js"
import { contains, substitute, sym } from "../../../domain/Expr.js"
import { derive } from "../derive.js"
import * as N from "../numeric.js"
import { simplify } from "../simplify.js"
import { cDiv, cMul, cPow, isZeroExpr, linear, looksLikeAntiderivative } from "./build.js"
import type { Factor, Integration } from "./context.js"
import { isMinusOne, lnAbs, NoRule, rebuild } from "./context.js"

const FRESH = "__w"

/** ∫ f(g)·g′·k: for each factor, an inner g whose derivative is the rest up to a constant. */
export const substitution = (run: Integration, factors: ReadonlyArray<Factor>): Expr | undefined => {
  const { v, expr } = run
  if (contains(expr, FRESH)) return undefined
  const integrand = rebuild(factors)
  for (let i = 0; i < factors.length; i++) {
    const f = factors[i] as Factor
    const rest = rebuild(factors.filter((_, j) => j !== i))
    const candidates: Array<() => { g: Expr; H: Expr } | undefined> = []
    if (linear(f.base, v) === undefined)
      candidates.push(() => ({
        g: f.base,
        H: isMinusOne(f.exp) ? lnAbs(f.base) : cDiv(cPow(f.base, N.add(f.exp, N.ONE)), N.toExpr(N.add(f.exp, N.ONE)))
      }))
    const b = f.base
    const inner =
      b._tag === "Fn" && b.args.length === 1 && b.fn !== "sqrt" ? (b.args[0] as Expr)
      : b._tag === "Op" && b.op === "^" && b.args.length === 2 && !contains(b.args[0] as Expr, v) ? (b.args[1] as Expr)
      : undefined
    if (inner !== undefined && linear(inner, v) === undefined)
      candidates.push(() => {
        const w = sym(FRESH)
        const outer = cPow(replaceInner(b, w), f.exp)
        try {
          const H = run.integrateExpr(outer, FRESH)
          return { g: inner, H: substitute(H, FRESH, inner) }
        } catch (err) {
          if (err instanceof NoRule) return undefined
          throw err
        }
      })
    for (const candidate of candidates) {
      const c = candidate()
      if (c === undefined) continue
      const gp = derive(c.g, v)
      if (isZeroExpr(gp)) continue
      const ratio = simplify(cDiv(rest, gp))
      if (contains(ratio, v)) continue
      const F = cMul(ratio, c.H)
      if (looksLikeAntiderivative(F, integrand, v)) return F
    }
  }
  return undefined
}

/** The function application `b` (f(inner) or c^inner) with its inner argument replaced by w. */
const replaceInner = (b: Expr, w: Expr): Expr => {
  if (b._tag === "Fn") return { ...b, args: [w] }
  if (b._tag === "Op") return { ...b, args: [b.args[0] as Expr, w] }
  return b
}
