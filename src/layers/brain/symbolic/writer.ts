/**
 * How the brain writes the expressions it emits: sums, differences, products and
 * quotients need heads of the vocabulary that compute them. Which heads those are is read
 * off what the brain learned: a binary head whose learned unit gives a + b at probe
 * points is the one a sum is written with, and so on. No name is written here, so a
 * vocabulary whose heads were renamed (or permuted) writes with the renamed heads.
 */
import type { Expr } from "../../../domain/Expr.js"
import { float, rational } from "../../../domain/Expr.js"
import { featurize } from "../featurize.js"
import { arityOf, headRowOrNone, heads, nodeOf } from "../vocabulary.js"
import type { Evaluator } from "./learn.js"

/** The head rows the brain writes with. */
export interface Writer {
  readonly sum: number
  readonly difference: number
  readonly product: number
  readonly quotient: number
}

/** Probe pairs: signs and magnitudes that tell the four apart. */
const PROBES: ReadonlyArray<readonly [number, number]> = [
  [1.3, 0.7],
  [-2.1, 0.45],
  [0.6, -1.7],
  [3.25, 2.5]
]

const ROLES: ReadonlyArray<readonly [keyof Writer, (a: number, b: number) => number]> = [
  ["sum", (a, b) => a + b],
  ["difference", (a, b) => a - b],
  ["product", (a, b) => a * b],
  ["quotient", (a, b) => a / b]
]

/**
 * Values of heads applied to numbers, by the brain's evaluator: one tree per request,
 * NaN where an argument is not finite.
 */
export const applyHeads = (evaluate: Evaluator, requests: ReadonlyArray<{ readonly head: number; readonly args: ReadonlyArray<number> }>): Float64Array => {
  const out = new Float64Array(requests.length).fill(NaN)
  const trees: Array<{ expr: Expr; bindings: ReadonlyArray<readonly [string, number]> }> = []
  const owners: Array<number> = []
  requests.forEach((r, i) => {
    if (!r.args.every(Number.isFinite)) return
    trees.push({ expr: nodeOf(r.head, r.args.map(float)), bindings: [] })
    owners.push(i)
  })
  if (trees.length === 0) return out
  const batch = featurize(trees)
  const values = evaluate(batch)
  owners.forEach((i, k) => (out[i] = values[batch.roots[k] as number] as number))
  return out
}

/** The first usable binary head for each role, or undefined while one of them is missing. */
export const findWriter = (evaluate: Evaluator, usable: (head: number) => boolean): Writer | undefined => {
  const candidates = heads.map((_, h) => h).filter((h) => arityOf(h) === 2 && usable(h))
  const requests = candidates.flatMap((head) => PROBES.map((args) => ({ head, args })))
  const values = applyHeads(evaluate, requests)
  const found: Partial<Record<keyof Writer, number>> = {}
  for (const [role, expected] of ROLES) {
    const k = candidates.findIndex((_, k) =>
      PROBES.every(([a, b], j) => {
        const got = values[k * PROBES.length + j] as number
        const want = expected(a, b)
        return Math.abs(got - want) <= 1e-6 * (1 + Math.abs(want))
      })
    )
    if (k >= 0) found[role] = candidates[k] as number
  }
  const { sum, difference, product, quotient } = found
  return sum === undefined || difference === undefined || product === undefined || quotient === undefined ? undefined : { sum, difference, product, quotient }
}

/** An exact number p/q as a leaf. */
export const numberLeaf = (num: number, den = 1): Expr => rational(BigInt(num), BigInt(den))

/** factors as one product node (one factor as itself); undefined for none. */
export const productOf = (w: Writer, factors: ReadonlyArray<Expr>): Expr | undefined =>
  factors.length === 0 ? undefined : factors.length === 1 ? factors[0] : nodeOf(w.product, factors)

/**
 * ±t₁ ± t₂ ± … with the sum and difference heads, undefined (zero) when empty. A leading
 * minus is a factor −1 (a head for unary minus may not have been learned), taken into the
 * term's number where it has one (a number, or a product led by one), so that a negative
 * number stays a number leaf.
 */
export const signedSum = (w: Writer, terms: ReadonlyArray<{ readonly negative: boolean; readonly expr: Expr }>): Expr | undefined => {
  const [first, ...rest] = terms
  if (first === undefined) return undefined
  let acc: Expr = first.negative ? negated(w, first.expr) : first.expr
  for (const t of rest) acc = nodeOf(t.negative ? w.difference : w.sum, [acc, t.expr])
  return acc
}

const negatedLeaf = (e: Expr): Expr | undefined =>
  e._tag === "Integer" ? rational(-e.value, 1n) : e._tag === "Rational" ? rational(-e.num, e.den) : undefined

/** −e: a number leaf negated, a product led by a number with that number negated, else (−1) · e. */
const negated = (w: Writer, e: Expr): Expr => {
  const leaf = negatedLeaf(e)
  if (leaf !== undefined) return leaf
  if ((e._tag === "Op" || e._tag === "Fn") && headRowOrNone(e, e.args.length === 1 ? 1 : 2) === w.product && e.args.length >= 2) {
    const lead = negatedLeaf(e.args[0] as Expr)
    if (lead !== undefined) return nodeOf(w.product, [lead, ...e.args.slice(1)])
  }
  return nodeOf(w.product, [numberLeaf(-1), e])
}

/**
 * A quotient by a number written as the product of its inverse and the numerator (the
 * quotient head computes a / b, so a / n is (1/n) · a): the form a term's number takes
 * when it is emitted (./emit.ts), under which the rule of a product by a number applies.
 * Any other expression as it is.
 */
export const coefficientForm = (w: Writer, e: Expr): Expr => {
  if ((e._tag !== "Op" && e._tag !== "Fn") || e.args.length !== 2 || headRowOrNone(e, 2) !== w.quotient) return e
  const [top, bottom] = e.args as [Expr, Expr]
  const n = bottom._tag === "Integer" ? ([bottom.value, 1n] as const) : bottom._tag === "Rational" ? ([bottom.num, bottom.den] as const) : undefined
  return n === undefined || n[0] === 0n ? e : nodeOf(w.product, [rational(n[1], n[0]), top])
}

/** The writer as numbers (a checkpoint's), and back; undefined when malformed. */
export const encodeWriter = (w: Writer | undefined): Array<number> => (w === undefined ? [] : [w.sum, w.difference, w.product, w.quotient])
export const decodeWriter = (flat: ReadonlyArray<number>): Writer | undefined => {
  if (flat.length !== 4 || !flat.every((h) => Number.isInteger(h) && h >= 0 && h < heads.length && arityOf(h) === 2)) return undefined
  const [sum, difference, product, quotient] = flat as [number, number, number, number]
  return { sum, difference, product, quotient }
}
