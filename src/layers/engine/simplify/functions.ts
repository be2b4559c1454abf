/**
 * Functions in normal form: √u = u^(1/2), e^u = exp u, exact values folded (ln e = 1,
 * sin kπ = 0), and the sign taken out of an odd or even function's argument, so that
 * sin(−u) and −sin(u) reach the same form. The identities are data (`atPiMultiple`,
 * `parity`), applied in the order of the tables below.
 */
import type { Expr, FunctionName } from "../../../domain/Expr.js"
import { ONE, ZERO } from "../../../domain/Expr.js"
import * as N from "../numeric.js"
import { coefficientOf, HALF, MINUS_ONE, mkFn, numOf } from "./core.js"
import { makeExp, makePower, makeProduct } from "./product.js"

/** k when the expression is k·pi with an integer k (0 included). */
const piMultiple = (e: Expr): bigint | undefined => {
  const n = numOf(e)
  if (n !== undefined) return N.isExact(n) && n.n === 0n ? 0n : undefined
  if (e._tag === "Symbol" && e.name === "pi") return 1n
  if (e._tag === "Op" && e.op === "*" && e.args.length === 2 && (e.args[1] as Expr)._tag === "Symbol") {
    const c = numOf(e.args[0] as Expr)
    if ((e.args[1] as Extract<Expr, { _tag: "Symbol" }>).name === "pi" && c !== undefined && N.isExact(c) && c.d === 1n)
      return c.n
  }
  return undefined
}

/** A negative numeric coefficient, so that sin(−u) = −sin(u) and cos(−u) = cos(u). */
const negativeCoefficient = (e: Expr): boolean => {
  const c = coefficientOf(e)
  return N.sign(c) < 0 && numOf(e) === undefined
}
export const negateNormal = (e: Expr): Expr => makeProduct([MINUS_ONE, e])

/** f(kπ) for an integer k. */
const atPiMultiple: Partial<Record<FunctionName, (k: bigint) => Expr>> = {
  sin: () => ZERO,
  tan: () => ZERO,
  cos: (k) => (k % 2n === 0n ? ONE : MINUS_ONE)
}

/** f(−u) = −f(u) (odd) or f(u) (even). */
const parity: Partial<Record<FunctionName, "odd" | "even">> = {
  sin: "odd",
  tan: "odd",
  cos: "even",
  abs: "even"
}

export const makeFunction = (fn: Extract<Expr, { _tag: "Fn" }>["fn"], args: ReadonlyArray<Expr>): Expr => {
  const u = args[0] as Expr
  switch (fn) {
    case "sqrt":
      return makePower(u, HALF)
    case "exp":
      return makeExp(u)
    case "derive":
    case "integrate":
    case "solve":
    case "=":
      return mkFn(fn, args)
    default:
      break
  }
  const n = numOf(u)
  if (n !== undefined) {
    // Fold when the answer is exact, or when the argument is already a float.
    const v = N.applyFunction(fn, n)
    if (N.isExact(v) || typeof n === "number") return N.toExpr(v)
    return mkFn(fn, [u])
  }
  const atPi = atPiMultiple[fn]
  if (atPi !== undefined) {
    const k = piMultiple(u)
    if (k !== undefined) return atPi(k)
  }
  const symmetry = parity[fn]
  if (symmetry !== undefined && negativeCoefficient(u)) {
    const inner = makeFunction(fn, [negateNormal(u)])
    return symmetry === "odd" ? negateNormal(inner) : inner
  }
  if (fn === "ln") {
    if (u._tag === "Symbol" && u.name === "e") return ONE
    if (u._tag === "Fn" && u.fn === "exp") return u.args[0] as Expr
  }
  if (fn === "abs" && u._tag === "Fn" && u.fn === "abs") return u
  return mkFn(fn, [u])
}
