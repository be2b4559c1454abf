/**
 * Products, powers and exponentials in normal form: the numeric coefficient first,
 * equal bases merged (x·x² = x³), exact powers folded, exponentials collected into one
 * exp, and an exact coefficient distributed over a lone sum (2(x + 1) = 2x + 2).
 */
import type { Expr } from "../../../domain/Expr.js"
import { ONE } from "../../../domain/Expr.js"
import { EngineError } from "../../../services/Engine.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import { mkFn, mkOp, numOf } from "./core.js"
import { Groups, sortFactors } from "./order.js"
import { extractContent, isExactSum, makeSum } from "./sum.js"

const E: Expr = { _tag: "Symbol", name: "e" }

export const makeProduct = (factors: ReadonlyArray<Expr>): Expr => {
  let coeff: Num = N.ONE
  const bases = new Groups<{ readonly key: Expr; readonly exps: Array<Expr> }>()
  const expArgs: Array<Expr> = []
  const pending: Array<Expr> = [...factors]
  while (pending.length > 0) {
    const f = pending.pop() as Expr
    if (f._tag === "Op" && f.op === "*") {
      pending.push(...f.args)
      continue
    }
    const n = numOf(f)
    if (n !== undefined) {
      // 1·n is n for a small exact n (mul would only check its size).
      coeff = coeff === N.ONE && N.isSmallExact(n) ? n : N.mul(coeff, n)
      continue
    }
    if (f._tag === "Fn" && f.fn === "exp") {
      expArgs.push(f.args[0] as Expr)
      continue
    }
    const power = f._tag === "Op" && f.op === "^"
    const base = power ? (f.args[0] as Expr) : f
    const e = power ? (f.args[1] as Expr) : ONE
    const g = bases.find(base)
    if (g === undefined) bases.add({ key: base, exps: [e] })
    else g.exps.push(e)
  }
  if (N.isZero(coeff)) return N.toExpr(coeff)
  const out: Array<Expr> = []
  for (const { key: base, exps } of bases.list) {
    if (exps.length === 1 && exps[0] === ONE) {
      // A lone factor that is not a power: makePower(base, 1) would return it unchanged.
      out.push(base)
      continue
    }
    const e = exps.length === 1 ? (exps[0] as Expr) : makeSum(exps)
    const p = makePower(base, e)
    const pn = numOf(p)
    if (pn !== undefined) coeff = N.mul(coeff, pn)
    else if (p._tag === "Op" && p.op === "*") {
      // A power that split into a coefficient and factors, e.g. (2x)^2 = 4x².
      for (const a of p.args) {
        const an = numOf(a)
        if (an !== undefined) coeff = N.mul(coeff, an)
        else out.push(a)
      }
    } else out.push(p)
  }
  if (expArgs.length > 0) {
    const e = makeExp(makeSum(expArgs))
    const en = numOf(e)
    if (en !== undefined) coeff = N.mul(coeff, en)
    else out.push(e)
  }
  if (N.isZero(coeff)) return N.toExpr(coeff)
  if (out.length === 0) return N.toExpr(coeff)
  for (let i = 0; i < out.length; i++) {
    const content = extractContent(out[i] as Expr)
    if (content !== undefined) {
      coeff = N.mul(coeff, content[0])
      out[i] = content[1]
    }
  }
  // An exact coefficient distributes over a lone sum, 2(x + 1) = 2x + 2, unless the sum
  // has floats and the coefficient is not ±1: rounding would make the result depend on
  // the order of steps, and simplify would no longer be idempotent.
  if (out.length === 1 && !N.isOne(coeff) && N.isExact(coeff)) {
    const only = out[0] as Expr
    const unit = coeff.d === 1n && (coeff.n === 1n || coeff.n === -1n)
    if (only._tag === "Op" && only.op === "+" && (unit || isExactSum(only)))
      return makeSum(only.args.map((t) => makeProduct([N.toExpr(coeff), t])))
  }
  if (N.isOne(coeff) && N.isExact(coeff)) return out.length === 1 ? (out[0] as Expr) : mkOp("*", sortFactors(out))
  return mkOp("*", sortFactors(out, N.toExpr(coeff)))
}

const foldPower = (a: Num, b: Num): Num | undefined => {
  if (typeof a === "number" || typeof b === "number") return N.pow(a, b)
  if (b.d === 1n) {
    // Keep huge exact powers symbolic rather than building megabyte integers.
    const bits = Math.abs(Number(b.n)) * Math.max(a.n.toString(2).length, a.d.toString(2).length)
    return bits > 4096 ? undefined : N.pow(a, b)
  }
  try {
    const r = N.pow(a, b)
    return N.isExact(r) ? r : undefined
  } catch (e) {
    if (e instanceof EngineError && e.reason === "Domain") return undefined
    throw e
  }
}

const isInteger = (n: Num | undefined): boolean => n !== undefined && (typeof n === "number" ? Number.isInteger(n) : n.d === 1n)

export const makePower = (base: Expr, exponent: Expr): Expr => {
  const b = numOf(base)
  const e = numOf(exponent)
  if (e !== undefined && N.isZero(e)) return N.isExact(e) ? ONE : { _tag: "Float", value: 1 }
  if (e !== undefined && N.isOne(e) && N.isExact(e)) return base
  if (b !== undefined && N.isOne(b) && N.isExact(b)) return ONE
  if (b !== undefined && e !== undefined) {
    const folded = foldPower(b, e)
    if (folded !== undefined) return N.toExpr(folded)
  }
  if (base._tag === "Symbol" && base.name === "e") return makeExp(exponent)
  if (base._tag === "Op" && base.op === "^" && isInteger(e)) {
    return makePower(base.args[0] as Expr, makeProduct([base.args[1] as Expr, exponent]))
  }
  if (base._tag === "Op" && base.op === "*" && isInteger(e)) {
    return makeProduct(base.args.map((f) => makePower(f, exponent)))
  }
  if (base._tag === "Fn" && base.fn === "exp") return makeExp(makeProduct([base.args[0] as Expr, exponent]))
  if (isInteger(e)) {
    const content = extractContent(base)
    if (content !== undefined) return makeProduct([N.toExpr(N.pow(content[0], e as Num)), makePower(content[1], exponent)])
  }
  return mkOp("^", [base, exponent])
}

export const makeExp = (u: Expr): Expr => {
  const n = numOf(u)
  if (n !== undefined && N.isExact(n) && n.n === 0n) return ONE
  if (n !== undefined && N.isOne(n) && N.isExact(n)) return E
  if (n !== undefined && typeof n === "number") return N.toExpr(N.applyFunction("exp", n))
  if (u._tag === "Fn" && u.fn === "ln") return u.args[0] as Expr
  return mkFn("exp", [u])
}
