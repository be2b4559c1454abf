/**
 * The rules of the symbolic integrator. An integrand is taken apart as
 * coefficient × Π baseᵢ^qᵢ (the coefficient free of v, the exponents numbers), then:
 *
 * - linearity: ∫(f ± g) = ∫f ± ∫g, ∫c·f = c∫f, ∫c = c·v;
 * - one factor with a linear base L = a·v + b: L^q → L^(q+1)/((q+1)a), L^(−1) → ln|L|/a
 *   (so x^n for every rational n ≠ −1, 1/x → ln|x|, √(ax+b), 1/(ax+b));
 * - functions of a linear argument: sin, cos, exp, tan (−ln|cos L|/a), ln and log
 *   (L ln L − L), abs (L|L|/2), c^L (c^L/(a ln c)), sinⁿ and cosⁿ (reduction formulas),
 *   tan², 1/cos², 1/sin²;
 * - rational functions with exact coefficients whose denominator splits into rational
 *   linear factors: polynomial division and partial fractions;
 * - products: sums raised to small powers are expanded and distributed; xⁿ·(exp, sin,
 *   cos, c^·)(L) by tabular integration by parts; x^q·ln L by parts; exp(L₁)·sin/cos(L₂)
 *   by the standard formula; sin/cos products by the product-to-sum identities;
 * - substitution: f(g)·g′·k → k·F(g) for a factor whose inner g is not linear (found by
 *   differentiating g; accepted only when the result checks numerically).
 *
 * A rule that does not apply throws NoRule; `integrate.ts` turns the last one into the
 * EngineError "CannotIntegrate".
 *
 * This file is the dispatch: linearity, one factor or several, and the order in which
 * the techniques are tried. The techniques are one file each beside it: factorize.ts,
 * functions.ts, rational.ts, products.ts, substitution.ts (context.ts: what they share).
 */
import type { Expr } from "../../../domain/Expr.js"
import { contains, sym } from "../../../domain/Expr.js"
import * as N from "../numeric.js"
import { cAdd, cDiv, cMul, cNeg, cPow, linear } from "./build.js"
import type { Factor, Integration } from "./context.js"
import { isInt, isMinusOne, isSum, lnAbs, MAX_DEPTH, MAX_EXPAND, MAX_TERMS, NoRule, rebuild, summands } from "./context.js"
import { factorize } from "./factorize.js"
import { exponentialRule, functionRule } from "./functions.js"
import { byParts, expand, expTrig, trigProductToSum } from "./products.js"
import { tryRational } from "./rational.js"
import { substitution } from "./substitution.js"

export { NoRule } from "./context.js"

/** ∫ e dv, unsimplified. Throws NoRule. */
export const integrateExpr = (expr: Expr, v: string): Expr => {
  const V = sym(v)
  let depth = 0

  const integ = (e: Expr): Expr => {
    if (!contains(e, v)) return cMul(e, V)
    if (++depth > MAX_DEPTH) throw new NoRule(e, "the rules recurse too deeply")
    try {
      if (e._tag === "Op" && e.op === "+") return cAdd(...e.args.map(integ))
      if (e._tag === "Op" && e.op === "-") {
        if (e.args.length === 1) return cNeg(integ(e.args[0] as Expr))
        return cAdd(integ(e.args[0] as Expr), ...e.args.slice(1).map((a) => cNeg(integ(a))))
      }
      const { coeff, factors } = factorize(run, e)
      return cMul(coeff, integFactors(factors, e))
    } finally {
      depth--
    }
  }

  const run: Integration = { v, V, expr, integ, integrateExpr, rationalFailure: undefined }

  // ---- dispatch ----------------------------------------------------------------

  const integFactors = (factors: ReadonlyArray<Factor>, whole: Expr): Expr => {
    if (factors.length === 0) return V
    if (factors.length === 1) return single(factors[0] as Factor)
    return multi(factors, whole)
  }

  const single = (f: Factor): Expr => {
    const { base, exp } = f
    if (isSum(base) && isInt(exp, 1)) return integ(base)
    const L = linear(base, v)
    if (L !== undefined) {
      if (isMinusOne(exp)) return cDiv(lnAbs(base), L.a)
      const e1 = N.add(exp, N.ONE)
      return cDiv(cPow(base, e1), cMul(N.toExpr(e1), L.a))
    }
    const rational = tryRational(run, [f])
    if (rational !== undefined) return rational
    if (isSum(base) && isInt(exp) && N.sign(exp) > 0 && (exp as N.Q).n <= BigInt(MAX_EXPAND)) return integ(expand(base, Number((exp as N.Q).n)))
    if (base._tag === "Fn") {
      const r = functionRule(run, base.fn, base.args[0] as Expr, exp)
      if (r !== undefined) return r
    }
    if (base._tag === "Op" && base.op === "^" && base.args.length === 2 && !contains(base.args[0] as Expr, v)) {
      const r = exponentialRule(run, base.args[0] as Expr, base.args[1] as Expr, exp)
      if (r !== undefined) return r
    }
    const s = substitution(run, [f])
    if (s !== undefined) return s
    if (run.rationalFailure !== undefined) throw run.rationalFailure
    throw new NoRule(rebuild([f]), describeFailure(f))
  }

  const multi = (factors: ReadonlyArray<Factor>, whole: Expr): Expr => {
    const rational = tryRational(run, factors)
    if (rational !== undefined) return rational
    // Rewrites tried in turn; when one leads to a part no rule covers, the next is tried.
    const rewrites: ReadonlyArray<() => Expr | undefined> = [
      () => {
        // Expand a sum raised to a small power and distribute the other factors over it.
        const i = factors.findIndex((f) => isSum(f.base) && isInt(f.exp) && N.sign(f.exp) > 0 && (f.exp as N.Q).n <= BigInt(MAX_EXPAND))
        if (i < 0) return undefined
        const f = factors[i] as Factor
        const terms = summands(expand(f.base, Number((f.exp as N.Q).n)))
        const others = factors.filter((_, j) => j !== i)
        if (terms.length * Math.max(1, others.length) > MAX_TERMS) return undefined
        const rest = rebuild(others)
        return integ(cAdd(...terms.map((t) => cMul(t, rest))))
      },
      () => {
        // Two sin/cos factors: product-to-sum, then distribute.
        const trig = trigProductToSum(run, factors)
        return trig === undefined ? undefined : integ(trig)
      },
      () => {
        if (factors.length !== 2) return undefined
        const [f, g] = factors as [Factor, Factor]
        return byParts(run, f, g) ?? byParts(run, g, f) ?? expTrig(run, f, g) ?? expTrig(run, g, f)
      },
      () => substitution(run, factors)
    ]
    let failure: NoRule | undefined = run.rationalFailure
    for (const rewrite of rewrites) {
      try {
        const r = rewrite()
        if (r !== undefined) return r
      } catch (err) {
        if (!(err instanceof NoRule)) throw err
        failure ??= err
      }
    }
    throw failure ?? new NoRule(whole, "a product of factors that no rule of the engine covers")
  }

  const describeFailure = (f: Factor): string => {
    const b = f.base
    if (b._tag === "Fn") {
      const arg = b.args[0] as Expr
      if (linear(arg, v) === undefined && contains(arg, v))
        return `the argument of ${b.fn} is not linear in ${v}, and no substitution applies`
      return `no rule for ${b.fn} raised to this power`
    }
    if (b._tag === "Op" && b.op === "^" && contains(b.args[b.args.length - 1] as Expr, v)) return `a power whose exponent depends on ${v}`
    if (b._tag === "Op" && b.op === "^") return `a power with a symbolic or inexact exponent`
    return `no rule for this power of a non-linear expression in ${v}`
  }

  return integ(expr)
}
