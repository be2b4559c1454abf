/**
 * Taking an integrand apart as coefficient × Π baseᵢ^qᵢ: the coefficient free of v,
 * the exponents numbers, equal bases merged and exponentials collected into one exp.
 */
import type { Expr } from "../../../domain/Expr.js"
import { contains, equals, fn, int } from "../../../domain/Expr.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { simplify } from "../simplify.js"
import { cAdd, cMul, cPow } from "./build.js"
import type { Factor, Integration } from "./context.js"
import { isInt, q, tryNumber } from "./context.js"

export const factorize = (run: Integration, e: Expr): { coeff: Expr; factors: Array<Factor> } => {
  const { v } = run
  const coeff: Array<Expr> = []
  const raw: Array<Factor> = []
  const walk = (x: Expr, k: bigint): void => {
    if (!contains(x, v)) {
      coeff.push(k === 1n ? x : cPow(x, q(k)))
      return
    }
    if (x._tag === "Op") {
      switch (x.op) {
        case "*":
          for (const a of x.args) walk(a, k)
          return
        case "/":
          walk(x.args[0] as Expr, k)
          for (const a of x.args.slice(1)) walk(a, -k)
          return
        case "-":
          if (x.args.length === 1) {
            if (k % 2n !== 0n) coeff.push(int(-1))
            walk(x.args[0] as Expr, k)
            return
          }
          break
        case "^": {
          const base = x.args[0] as Expr
          const exponent = x.args.length === 2 ? (x.args[1] as Expr) : { _tag: "Op" as const, op: "^" as const, args: x.args.slice(1) }
          if (!contains(exponent, v)) {
            const r = tryNumber(exponent)
            if (r !== undefined) {
              if (isInt(r)) walk(base, k * (r as N.Q).n)
              else raw.push({ base, exp: N.mul(r, q(k)) })
              return
            }
          }
          break
        }
        default:
          break
      }
    } else if (x._tag === "Fn" && x.fn === "sqrt") {
      raw.push({ base: x.args[0] as Expr, exp: q(k, 2n) })
      return
    }
    raw.push({ base: x, exp: q(k) })
  }
  walk(e, 1n)
  // Merge equal bases; collect exponentials into one exp.
  const merged: Array<{ base: Expr; exp: Num }> = []
  const expArgs: Array<Expr> = []
  for (const f of raw) {
    const b = f.base
    if (b._tag === "Fn" && b.fn === "exp") {
      expArgs.push(cMul(N.toExpr(f.exp), b.args[0] as Expr))
      continue
    }
    if (b._tag === "Op" && b.op === "^" && b.args.length === 2 && (b.args[0] as Expr)._tag === "Symbol" && (b.args[0] as { name: string }).name === "e") {
      expArgs.push(cMul(N.toExpr(f.exp), b.args[1] as Expr))
      continue
    }
    const same = merged.find((m) => equals(m.base, b))
    if (same !== undefined) same.exp = N.add(same.exp, f.exp)
    else merged.push({ base: b, exp: f.exp })
  }
  if (expArgs.length > 0) {
    const arg = expArgs.length === 1 ? (expArgs[0] as Expr) : simplify(cAdd(...expArgs))
    if (contains(arg, v)) merged.push({ base: fn("exp", arg), exp: N.ONE })
    else coeff.push(fn("exp", arg))
  }
  return { coeff: cMul(...coeff), factors: merged.filter((f) => !N.isZero(f.exp)) }
}
