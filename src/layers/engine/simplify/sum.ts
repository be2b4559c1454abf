/**
 * Sums in normal form: flattened, numbers folded exactly, like terms collected
 * (3x + 2x = 5x) and sorted; and a sum's content, c·S with S's leading coefficient 1.
 */
import type { Expr } from "../../../domain/Expr.js"
import { ZERO } from "../../../domain/Expr.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { coefficientOf, mkOp, numOf, scale, splitCoefficient } from "./core.js"
import { Groups, sortTerms } from "./order.js"

export const makeSum = (terms: ReadonlyArray<Expr>): Expr => {
  let constant: Num = N.ZERO
  const groups = new Groups<{ coeff: Num; readonly key: Expr }>()
  const pending: Array<Expr> = [...terms]
  while (pending.length > 0) {
    const t = pending.pop() as Expr
    if (t._tag === "Op" && t.op === "+") {
      pending.push(...t.args)
      continue
    }
    const n = numOf(t)
    if (n !== undefined) {
      // 0 + n is n for exact n (not for a float: 0 + −0 is 0).
      constant = constant === N.ZERO && N.isExact(n) ? n : N.add(constant, n)
      continue
    }
    const [c, rest] = splitCoefficient(t)
    const g = groups.find(rest)
    if (g === undefined) groups.add({ coeff: c, key: rest })
    else g.coeff = N.add(g.coeff, c)
  }
  const out: Array<Expr> = []
  for (const { coeff, key } of groups.list) if (!N.isZero(coeff)) out.push(scale(coeff, key))
  if (!N.isZero(constant) || (typeof constant === "number" && out.length === 0)) out.push(N.toExpr(constant))
  if (out.length === 0) return ZERO
  if (out.length === 1) return out[0] as Expr
  return mkOp("+", sortTerms(out))
}

export const isExactSum = (sum: Extract<Expr, { _tag: "Op" }>): boolean =>
  sum.args.every((t) => N.isExact(coefficientOf(t)))

/**
 * A sum as c·S with S's leading coefficient 1, so that (−x − 1)⁻¹ and −(x + 1)⁻¹ reach
 * the same normal form. With float coefficients only the sign is taken out (negation
 * is exact in floating point, division is not). Undefined when there is nothing to take.
 */
export const extractContent = (sum: Expr): [Num, Expr] | undefined => {
  if (sum._tag !== "Op" || sum.op !== "+") return undefined
  const lead = coefficientOf(sum.args[0] as Expr)
  const c: Num = isExactSum(sum) ? lead : N.sign(lead) < 0 ? new N.Q(-1n, 1n) : N.ONE
  if (N.isOne(c) && N.isExact(c)) return undefined
  const inv = N.reciprocal(c)
  return [c, makeSum(sum.args.map((t) => {
    const [k, rest] = splitCoefficient(t)
    return scale(N.mul(k, inv), rest)
  }))]
}
