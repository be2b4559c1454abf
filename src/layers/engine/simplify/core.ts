/**
 * The vocabulary of the normal form (see ../simplify.ts): node constructors, numbers,
 * and a term as a numeric coefficient times the rest.
 */
import type { Expr } from "../../../domain/Expr.js"
import { ONE } from "../../../domain/Expr.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"

export const MINUS_ONE: Expr = { _tag: "Integer", value: -1n }
export const HALF: Expr = { _tag: "Rational", num: 1n, den: 2n }

export const numOf = (e: Expr): Num | undefined => N.fromExpr(e)
export const isNum = (e: Expr): boolean => e._tag === "Integer" || e._tag === "Rational" || e._tag === "Float"
export const mkOp = (op: "+" | "*" | "^" | "-" | "/" | "%", args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op, args })
export const mkFn = (fn: Extract<Expr, { _tag: "Fn" }>["fn"], args: ReadonlyArray<Expr>): Expr => ({ _tag: "Fn", fn, args })

/** Splits a normal-form term into numeric coefficient and the rest (ONE when none). */
export const splitCoefficient = (t: Expr): [Num, Expr] => {
  const n = numOf(t)
  if (n !== undefined) return [n, ONE]
  if (t._tag === "Op" && t.op === "*") {
    const c = numOf(t.args[0] as Expr)
    if (c !== undefined) {
      const rest = t.args.slice(1)
      return [c, rest.length === 1 ? (rest[0] as Expr) : mkOp("*", rest)]
    }
  }
  return [N.ONE, t]
}

/** The numeric coefficient of a normal-form term (splitCoefficient's first half, without building the rest). */
export const coefficientOf = (t: Expr): Num => {
  const n = numOf(t)
  if (n !== undefined) return n
  if (t._tag === "Op" && t.op === "*") {
    const c = numOf(t.args[0] as Expr)
    if (c !== undefined) return c
  }
  return N.ONE
}

export const scale = (c: Num, rest: Expr): Expr => {
  if (N.isZero(c)) return N.toExpr(c)
  if (rest === ONE) return N.toExpr(c)
  if (N.isOne(c) && N.isExact(c)) return rest
  const factors = rest._tag === "Op" && rest.op === "*" ? rest.args : [rest]
  return mkOp("*", [N.toExpr(c), ...factors])
}

export const splitPower = (f: Expr): [Expr, Expr] =>
  f._tag === "Op" && f.op === "^" ? [f.args[0] as Expr, f.args[1] as Expr] : [f, ONE]
