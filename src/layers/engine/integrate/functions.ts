/**
 * Functions of a linear argument L = a·v + b: sin, cos, exp, tan, ln, log, abs (the
 * table `ofLinear`), c^L, sinⁿ and cosⁿ by the reduction formulas, lnⁿ, tan², and the
 * reciprocals 1/sin, 1/cos, 1/tan, 1/sin², 1/cos², 1/tan².
 */
import type { Expr, FunctionName } from "../../../domain/Expr.js"
import { fn, int, ONE } from "../../../domain/Expr.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { cAdd, cDiv, cMul, cNeg, cPow, cSub, linear } from "./build.js"
import type { Integration } from "./context.js"
import { isInt, LN10, lnAbs, q, tryNumber } from "./context.js"

/** ∫ f(u) dv for u = a·v + b, given u and a. */
const ofLinear: Partial<Record<FunctionName, (u: Expr, a: Expr) => Expr>> = {
  sin: (u, a) => cDiv(cNeg(fn("cos", u)), a),
  cos: (u, a) => cDiv(fn("sin", u), a),
  exp: (u, a) => cDiv(fn("exp", u), a),
  tan: (u, a) => cDiv(cNeg(lnAbs(fn("cos", u))), a),
  ln: (u, a) => cDiv(cSub(cMul(u, fn("ln", u)), u), a),
  log: (u, a) => cDiv(cSub(cMul(u, fn("ln", u)), u), cMul(a, LN10)),
  abs: (u, a) => cDiv(cMul(u, fn("abs", u)), cMul(int(2), a))
}

/** ∫ f(u)^k dv for u linear, or undefined. */
export const functionRule = (run: Integration, name: FunctionName, u: Expr, k: Num): Expr | undefined => {
  const { v, V, integ } = run
  const L = linear(u, v)
  if (L === undefined) return undefined
  const a = L.a
  if (isInt(k, 1)) return ofLinear[name]?.(u, a)
  if ((name === "sin" || name === "cos") && isInt(k) && N.sign(k) > 0 && (k as N.Q).n <= 16n) return trigPower(run, name, u, a, Number((k as N.Q).n))
  if (name === "tan" && isInt(k, 2)) return cSub(cDiv(fn("tan", u), a), V)
  // 1/tan = cos/sin, 1/sin (= csc), 1/cos (= sec), 1/tan²
  if (name === "tan" && isInt(k, -1)) return cDiv(lnAbs(fn("sin", u)), a)
  if (name === "tan" && isInt(k, -2)) return cSub(cDiv(cNeg(cDiv(fn("cos", u), fn("sin", u))), a), V)
  if (name === "sin" && isInt(k, -1)) return cDiv(lnAbs(fn("tan", cDiv(u, int(2)))), a)
  if (name === "cos" && isInt(k, -1)) return cDiv(lnAbs(cDiv(cAdd(ONE, fn("sin", u)), fn("cos", u))), a)
  if (name === "ln" && isInt(k) && N.sign(k) > 0 && (k as N.Q).n <= 8n) {
    // ∫ lnⁿ L = L·lnⁿ L / a − n ∫ lnⁿ⁻¹ L
    let result: Expr = V
    for (let n = 1; n <= Number((k as N.Q).n); n++)
      result = cSub(cDiv(cMul(u, cPow(fn("ln", u), q(BigInt(n)))), a), cMul(int(n), result))
    return result
  }
  if (name === "cos" && isInt(k, -2)) return cDiv(fn("tan", u), a)
  if (name === "sin" && isInt(k, -2)) return cDiv(cNeg(cDiv(fn("cos", u), fn("sin", u))), a)
  if (name === "abs" && isInt(k) && (k as N.Q).n % 2n === 0n && N.sign(k) > 0) return integ(cPow(u, k))
  return undefined
}

/** ∫ sinⁿ(u) or cosⁿ(u) by the reduction formulas. */
const trigPower = (run: Integration, name: "sin" | "cos", u: Expr, a: Expr, n: number): Expr => {
  const { V } = run
  if (n === 0) return V
  if (n === 1) return name === "sin" ? cDiv(cNeg(fn("cos", u)), a) : cDiv(fn("sin", u), a)
  const s = fn("sin", u)
  const c = fn("cos", u)
  const head =
    name === "sin"
      ? cDiv(cNeg(cMul(cPow(s, q(BigInt(n - 1))), c)), cMul(int(n), a))
      : cDiv(cMul(cPow(c, q(BigInt(n - 1))), s), cMul(int(n), a))
  return cAdd(head, cMul(N.toExpr(q(BigInt(n - 1), BigInt(n))), trigPower(run, name, u, a, n - 2)))
}

/** ∫ (c^u)^k dv for a positive constant c and u linear. */
export const exponentialRule = (run: Integration, c: Expr, u: Expr, k: Num): Expr | undefined => {
  const { v } = run
  const L = linear(u, v)
  if (L === undefined) return undefined
  const cv = tryNumber(c)
  if (cv === undefined || !(N.toFloat(cv) > 0) || (N.isExact(cv) && N.isOne(cv))) return undefined
  const power: Expr = { _tag: "Op", op: "^", args: [c, cMul(N.toExpr(k), u)] }
  return cDiv(power, cMul(N.toExpr(k), L.a, fn("ln", c)))
}
