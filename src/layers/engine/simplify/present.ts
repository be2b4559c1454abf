/**
 * The normal form back into the readable Polish that users and the brain see:
 * (+ a (* -1 b)) → (- a b), x·y^(−1) → (/ x y), u^(1/2) → (sqrt u). It only undoes what
 * normalization does, so that simplify is idempotent.
 */
import type { Expr } from "../../../domain/Expr.js"
import { ONE } from "../../../domain/Expr.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { coefficientOf, mkFn, mkOp, numOf, scale, splitCoefficient, splitPower } from "./core.js"
import { makePower } from "./product.js"

const isNegativeNumber = (e: Expr): boolean => {
  const n = numOf(e)
  return n !== undefined && N.sign(n) < 0
}

const presentProduct = (e: Extract<Expr, { _tag: "Op" }>): Expr => {
  let coeff: Num = N.ONE
  const num: Array<Expr> = []
  const den: Array<Expr> = []
  for (const f of e.args) {
    const n = numOf(f)
    if (n !== undefined) {
      coeff = n
      continue
    }
    const [base, exp] = splitPower(f)
    if (isNegativeNumber(exp)) {
      const flipped = makePower(base, N.toExpr(N.negate(numOf(exp) as Num)))
      den.push(present(flipped))
    } else num.push(present(f))
  }
  // A rational coefficient p/q puts p in the numerator and q in the denominator.
  const negative = N.sign(coeff) < 0
  const mag = negative ? N.negate(coeff) : coeff
  const [numMag, denMag]: [Num, bigint] = N.isExact(mag) ? [new N.Q(mag.n, 1n), mag.d] : [mag, 1n]
  const numParts = !(N.isOne(numMag) && N.isExact(numMag)) || num.length === 0
    ? [N.toExpr(negative ? N.negate(numMag) : numMag), ...num]
    : num
  const product = numParts.length === 1 ? (numParts[0] as Expr) : mkOp("*", numParts)
  const numerator = negative && N.isOne(numMag) && N.isExact(numMag) && num.length > 0 ? mkOp("-", [product]) : product
  if (denMag !== 1n) den.unshift({ _tag: "Integer", value: denMag })
  if (den.length === 0) return numerator
  const denominator = den.length === 1 ? (den[0] as Expr) : mkOp("*", den)
  return mkOp("/", [numerator, denominator])
}

/** Normal form → readable Polish. */
export const present = (e: Expr): Expr => {
  if (e._tag === "Fn") return mkFn(e.fn, e.args.map(present))
  if (e._tag !== "Op") return e
  switch (e.op) {
    case "+": {
      const pos: Array<Expr> = []
      const negs: Array<Expr> = []
      for (const t of e.args) {
        const c = coefficientOf(t)
        if (N.sign(c) < 0) negs.push(present(scale(N.negate(c), splitCoefficient(t)[1])))
        else pos.push(present(t))
      }
      if (negs.length === 0) return mkOp("+", pos)
      if (pos.length === 0) {
        // All terms negative: −(a + b).
        return mkOp("-", [negs.length === 1 ? (negs[0] as Expr) : mkOp("+", negs)])
      }
      return mkOp("-", [pos.length === 1 ? (pos[0] as Expr) : mkOp("+", pos), ...negs])
    }
    case "*":
      return presentProduct(e)
    case "^": {
      const [base, exp] = [e.args[0] as Expr, e.args[1] as Expr]
      const n = numOf(exp)
      if (n !== undefined && N.sign(n) < 0) return mkOp("/", [ONE, present(makePower(base, N.toExpr(N.negate(n))))])
      if (n !== undefined && N.isExact(n) && n.n === 1n && n.d === 2n) return mkFn("sqrt", [present(base)])
      return mkOp("^", [present(base), present(exp)])
    }
    default:
      return mkOp(e.op, e.args.map(present))
  }
}
