/**
 * Canonical simplification. Two stages:
 *
 * 1. `normalize` rewrites into a normal form with only n-ary `+` and `*`, binary `^`
 *    and functions: a − b = a + (−1)·b, a / b = a·b^(−1), √u = u^(1/2), e^u = exp u.
 *    Sums are flattened, numbers folded exactly, like terms collected (3x + 2x = 5x)
 *    and terms sorted (higher degree first, constant last); products are flattened,
 *    the numeric coefficient comes first, equal bases merge their exponents
 *    (x·x² = x³) and a numeric coefficient distributes over a lone sum (2(x+1) = 2x+2).
 * 2. `present` turns the normal form back into the readable Polish that users and the
 *    brain see: (+ a (* -1 b)) → (- a b), x·y^(−1) → (/ x y), u^(1/2) → (sqrt u).
 *
 * `present` only undoes what `normalize` does, so simplify(simplify(e)) = simplify(e).
 * Non-exact numeric values are never folded: (^ 2 1/2) stays, (^ 4 1/2) becomes 2.
 *
 * This file is the orchestrator: a bottom-up walk that hands each node to the
 * technique for its head, one file each under ./simplify/ (as mathjs's
 * `function/algebra/simplify/`):
 *
 * - core.ts: the normal form's vocabulary (a term as coefficient × rest);
 * - order.ts: the canonical order of terms and factors, groups by key;
 * - sum.ts: sums, like terms, a sum's content;
 * - product.ts: products, powers, exponentials;
 * - functions.ts: functions, with their identities as data;
 * - present.ts: the normal form back into readable Polish.
 */
import type { Expr } from "../../domain/Expr.js"
import { equals } from "../../domain/Expr.js"
import { EngineError } from "../../services/Engine.js"
import * as N from "./numeric.js"
import { MINUS_ONE, mkOp, numOf } from "./simplify/core.js"
import { makeFunction, negateNormal } from "./simplify/functions.js"
import { present } from "./simplify/present.js"
import { makePower, makeProduct } from "./simplify/product.js"
import { makeSum } from "./simplify/sum.js"

export { compareKey } from "./simplify/order.js"
export { present } from "./simplify/present.js"

const normalizeNode = (e: Expr, args: ReadonlyArray<Expr>): Expr => {
  if (e._tag === "Fn") return makeFunction(e.fn, args)
  if (e._tag !== "Op") return e
  switch (e.op) {
    case "+":
      return makeSum(args)
    case "*":
      return makeProduct(args)
    case "-":
      if (args.length === 1) return negateNormal(args[0] as Expr)
      return makeSum([args[0] as Expr, ...args.slice(1).map(negateNormal)])
    case "/":
      return makeProduct([args[0] as Expr, ...args.slice(1).map((d) => {
        const n = numOf(d)
        if (n !== undefined) return N.toExpr(N.reciprocal(n))
        return makePower(d, MINUS_ONE)
      })])
    case "^": {
      let acc = args[args.length - 1] as Expr
      for (let i = args.length - 2; i >= 0; i--) acc = makePower(args[i] as Expr, acc)
      return acc
    }
    case "%": {
      const a = numOf(args[0] as Expr)
      const b = numOf(args[1] as Expr)
      if (a !== undefined && b !== undefined) return N.toExpr(N.mod(a, b))
      return mkOp("%", args)
    }
  }
}

const normalizeRec = (e: Expr): Expr => {
  if (e._tag !== "Op" && e._tag !== "Fn") {
    if (e._tag === "Float" && Object.is(e.value, -0)) return { _tag: "Float", value: 0 }
    return e
  }
  return normalizeNode(e, e.args.map(normalizeRec))
}

const tooDeep = (e: unknown): EngineError | undefined =>
  e instanceof RangeError ? new EngineError({ reason: "TooDeep", message: "expression nested too deeply to simplify" }) : undefined

/** The normal form used for comparisons (not meant for display). */
export const normalize = (e: Expr): Expr => {
  try {
    return normalizeRec(e)
  } catch (err) {
    throw tooDeep(err) ?? err
  }
}

/** Canonical, readable, idempotent, value-preserving. Throws EngineError. */
export const simplify = (e: Expr): Expr => {
  try {
    let out = present(normalizeRec(e))
    // A float among exact numbers can leave a presented form that normalizes further
    // ((x + 1.0)/2 + 1 is merged only once it is read back): with floats, pass again
    // until the form is a fixed point, so that simplify stays idempotent.
    for (let pass = 0; pass < 4 && hasFloat(out); pass++) {
      const next = present(normalizeRec(out))
      if (equals(next, out)) break
      out = next
    }
    return out
  } catch (err) {
    throw tooDeep(err) ?? err
  }
}

const hasFloat = (e: Expr): boolean => e._tag === "Float" || ((e._tag === "Op" || e._tag === "Fn") && e.args.some(hasFloat))

