/**
 * Constant folding by the brain's own evaluator: a subtree without symbols is evaluated
 * by the learned forward pass, and replaced by a number only when that value is a small
 * rational (denominator ≤ 1000) to within 1e-10 relative (continued fractions): integers
 * and small rationals stay exact, anything else is left as it is. The tolerance is the
 * brain's, not the brief's 1e-12: its learned division is accurate to ≈1e-11
 * ((/ 1 3) → 0.33333333333605), and two such rationals differ by at least 1e-6, so 1e-10
 * still names exactly one of them.
 */
import type { Expr } from "../../../domain/Expr.js"
import { rational } from "../../../domain/Expr.js"
import { featurize, type BrainInput } from "../featurize.js"
import type { Evaluator } from "../symbolic/learn.js"
import { isNode, isNumberLeaf, withArgs } from "./pattern.js"

/** Largest denominator recognised, and the magnitude above which floats are not exact integers. */
export const MAX_DENOMINATOR = 1000
const MAX_MAGNITUDE = 2 ** 50
export const TOLERANCE = 1e-10
const MIN_MAGNITUDE = 1e-6

/** The small rational p/q equal to v within TOLERANCE·max(1, |v|), by continued fractions; undefined otherwise. */
export const recogniseRational = (v: number): Expr | undefined => {
  if (!Number.isFinite(v) || Math.abs(v) > MAX_MAGNITUDE) return undefined
  // A tiny value is not zero (6^−15 is 2e−12): the evaluator's exact zeros are zeros.
  if (v !== 0 && Math.abs(v) < MIN_MAGNITUDE) return undefined
  const tol = TOLERANCE * Math.max(1, Math.abs(v))
  let [h0, h1, k0, k1] = [1, Math.floor(v), 0, 1]
  let x = v - Math.floor(v)
  for (let step = 0; step < 20; step++) {
    if (Math.abs(v - h1 / k1) <= tol) return rational(BigInt(h1), BigInt(k1))
    if (x === 0) return undefined
    const y = 1 / x
    const a = Math.floor(y)
    x = y - a
    ;[h0, h1] = [h1, a * h1 + h0]
    ;[k0, k1] = [k1, a * k1 + k0]
    if (k1 > MAX_DENOMINATOR) return undefined
  }
  return undefined
}

const hasSymbol = (e: Expr): boolean => (e._tag === "Symbol" ? true : isNode(e) ? e.args.some(hasSymbol) : false)

/** A constant subtree's exact value, when the confirmed arithmetic can compute it (./exact.ts). */
export type ExactFold = (e: Expr) => { readonly expr: Expr; readonly agrees: (value: number) => boolean } | undefined

/**
 * Every expression with its maximal symbol-free subtrees (that `usable` accepts) folded,
 * all evaluated in one batch of the evaluator. A subtree the exact arithmetic computes
 * (./exact.ts) becomes that exact number when the evaluator's value agrees with it (where
 * the evaluator reads faithfully); otherwise a small rational read from the value.
 */
export const foldConstants = (exprs: ReadonlyArray<Expr>, evaluate: Evaluator, usable: (e: Expr) => boolean, exact?: ExactFold): Array<Expr> => {
  let pending: Array<Expr> = []
  const collect = (e: Expr): void => {
    if (!isNode(e)) return
    if (!hasSymbol(e) && usable(e)) pending.push(e)
    else for (const a of e.args) collect(a)
  }
  exprs.forEach(collect)
  if (pending.length === 0) return [...exprs]
  const folded = new Map<Expr, Expr>()
  // A constant subtree whose value is no small rational, (sin (exp 0)), has its own constant subtrees folded.
  while (pending.length > 0) {
    const values = evaluateAll(pending.map((expr) => ({ expr, bindings: [] })), evaluate)
    const next: Array<Expr> = []
    pending.forEach((e, i) => {
      const q = exact?.(e)
      const r = q !== undefined && q.agrees(values[i] as number) ? q.expr : recogniseRational(values[i] as number)
      if (r !== undefined) folded.set(e, r)
      else if (isNode(e)) for (const a of e.args) if (isNode(a) && !isNumberLeaf(a)) next.push(a)
    })
    pending = next
  }
  const replace = (e: Expr): Expr => {
    const f = folded.get(e)
    if (f !== undefined) return f
    if (!isNode(e) || isNumberLeaf(e)) return e
    let changed = false
    const args = e.args.map((a) => {
      const b = replace(a)
      if (b !== a) changed = true
      return b
    })
    return changed ? withArgs(e, args) : e
  }
  return exprs.map(replace)
}

/** The evaluator's value of each input's root, in one batch. */
export const evaluateAll = (inputs: ReadonlyArray<BrainInput>, evaluate: Evaluator): Float64Array => {
  if (inputs.length === 0) return new Float64Array(0)
  const batch = featurize(inputs)
  const values = evaluate(batch)
  const out = new Float64Array(inputs.length)
  for (let i = 0; i < inputs.length; i++) out[i] = values[batch.roots[i] as number] as number
  return out
}
