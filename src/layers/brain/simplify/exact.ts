/**
 * Exact arithmetic over the algebra the evaluator showed (./roles.ts): a constant subtree
 * made only of numbers and the heads that play the sum, product, integer power,
 * difference, quotient and negation is computed as an exact rational (BigInt numerator
 * and denominator), however large. The brain's evaluator cannot fold these itself: its
 * power unit saturates near e^50 (9^55 reads 5e21), reads 0^5 as 9e−37, and its values
 * are rationals only to ≈1e−11, so a denominator above 1000 is not recognised (./fold.ts)
 * and numbers such as 1/2560 or 3486784401² stayed unfolded in answers.
 *
 * The evaluator still decides: each part of the arithmetic is used only when the
 * evaluator confirms it on random small rationals (`confirmArithmetic`: its value of the
 * head on two numbers equals the exact result), and a folded value within the range the
 * evaluator reads faithfully must equal its value there (./fold.ts). No head is named:
 * which row adds or multiplies is what the roles say.
 */
import type { Expr } from "../../../domain/Expr.js"
import { rational } from "../../../domain/Expr.js"
import type { Rng } from "../../../domain/Random.js"
import type { Evaluator } from "../symbolic/learn.js"
import { nodeOf } from "../vocabulary.js"
import { evaluateAll } from "./fold.js"
import { isNode } from "./pattern.js"
import { rowOf } from "./normal.js"
import type { Roles } from "./roles.js"

/** An exact rational, den > 0, reduced. */
export interface Q {
  readonly num: bigint
  readonly den: bigint
}

/** Largest numerator or denominator kept, in bits (≈150 digits; the training targets' largest has 96). */
export const MAX_BITS = 512
/** Relative agreement the evaluator must show with an exact value it reads faithfully. */
export const CONFIRM = 1e-9
/** Magnitudes the evaluator reads faithfully (its power saturates near e^50). */
const FAITHFUL_MAX = 2 ** 50
const SMALL = 1e-3

const abs = (v: bigint): bigint => (v < 0n ? -v : v)
const gcd = (a: bigint, b: bigint): bigint => {
  a = abs(a)
  b = abs(b)
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}
const bits = (v: bigint): number => abs(v).toString(2).length
const make = (num: bigint, den: bigint): Q | undefined => {
  if (den === 0n) return undefined
  if (den < 0n) [num, den] = [-num, -den]
  const g = gcd(num, den)
  const q = g > 1n ? { num: num / g, den: den / g } : { num, den }
  return bits(q.num) > MAX_BITS || bits(q.den) > MAX_BITS ? undefined : q
}
const plus = (x: Q, y: Q) => make(x.num * y.den + y.num * x.den, x.den * y.den)
const times = (x: Q, y: Q) => make(x.num * y.num, x.den * y.den)
const inverse = (x: Q) => make(x.den, x.num)
const MINUS_ONE: Q = { num: -1n, den: 1n }
/** x^k for an integer k (0^k for k > 0 is 0, 0^k for k ≤ 0 is left alone). */
const raised = (x: Q, y: Q): Q | undefined => {
  if (y.den !== 1n) return undefined
  const k = y.num
  if (x.num === 0n) return k > 0n ? { num: 0n, den: 1n } : undefined
  if (abs(x.num) === 1n && x.den === 1n) return { num: x.num < 0n && k % 2n !== 0n ? -1n : 1n, den: 1n }
  if (BigInt(Math.max(bits(x.num), bits(x.den))) * abs(k) > BigInt(MAX_BITS + 8)) return undefined
  const n = abs(k)
  const q = make(x.num ** n, x.den ** n)
  return q === undefined ? undefined : k < 0n ? inverse(q) : q
}

export const toExpr = (q: Q): Expr => rational(q.num, q.den)
export const toNumber = (q: Q): number => Number(q.num) / Number(q.den)
const ofLeaf = (e: Expr): Q | undefined =>
  e._tag === "Integer" ? { num: e.value, den: 1n } : e._tag === "Rational" ? make(e.num, e.den) : undefined

/** Which parts of the arithmetic the evaluator confirmed (rows of ./roles.ts, −1 where not). */
export type Arithmetic = Pick<Roles, "sum" | "product" | "power" | "difference" | "quotient" | "negation">

/** The exact value of a constant subtree over the confirmed parts, or undefined (a float, another head, too large, undefined). */
export const exactValue = (a: Arithmetic, e: Expr): Q | undefined => {
  const leaf = ofLeaf(e)
  if (leaf !== undefined || !isNode(e)) return leaf
  const row = rowOf(e)
  if (row < 0) return undefined
  const args: Array<Q> = []
  for (const x of e.args) {
    const v = exactValue(a, x)
    if (v === undefined) return undefined
    args.push(v)
  }
  const [x, y] = args as [Q, Q]
  if (args.length === 1) return row === a.negation ? times(MINUS_ONE, x) : undefined
  if (row === a.sum) return args.slice(1).reduce<Q | undefined>((s, v) => (s === undefined ? s : plus(s, v)), x)
  if (row === a.product) return args.slice(1).reduce<Q | undefined>((s, v) => (s === undefined ? s : times(s, v)), x)
  if (args.length !== 2) return undefined
  if (row === a.power) return raised(x, y)
  if (row === a.difference) return plus(x, times(MINUS_ONE, y) as Q)
  if (row === a.quotient) {
    const i = inverse(y)
    return i === undefined ? undefined : times(x, i)
  }
  return undefined
}

/**
 * The evaluator's value agrees with q where it reads faithfully: to CONFIRM relative, and
 * to CONFIRM·1e−3 absolute below 1e−3 (its product of 5/254803968 and 5 is off by 2e−16,
 * 2e−9 relative; 0^5 reads 9e−37). Beyond 2^50 its power saturates: the confirmed
 * arithmetic decides there.
 */
export const faithfulAgrees = (q: Q, value: number): boolean => {
  const exact = toNumber(q)
  const m = Math.abs(exact)
  if (m > FAITHFUL_MAX) return true
  return Number.isFinite(value) && Math.abs(value - exact) <= CONFIRM * Math.max(m, SMALL)
}

const TRIALS = 12
/** Random small operands: integers and halves, thirds, fifths of either sign (nonzero). */
const operand = (rng: Rng): Q => {
  const den = [1n, 1n, 2n, 3n, 5n][rng.int(0, 4)] as bigint
  const num = BigInt(rng.int(1, 9)) * (rng.bool() ? 1n : -1n)
  return make(num, den) as Q
}

/**
 * The parts of the roles' arithmetic the evaluator confirms: for each head, its value on
 * TRIALS pairs of random small rationals (small integer exponents for the power) equals
 * the exact result to CONFIRM. A part it refutes is −1 and never computed.
 */
export const confirmArithmetic = (r: Roles, evaluate: Evaluator, rng: Rng): Arithmetic => {
  const parts = (["sum", "product", "power", "difference", "quotient", "negation"] as const).filter((k) => r[k] >= 0)
  const trials = parts.flatMap((k) =>
    Array.from({ length: TRIALS }, () => {
      const x = operand(rng)
      const y = k === "power" ? { num: BigInt(rng.int(-3, 4)), den: 1n } : operand(rng)
      const args = k === "negation" ? [toExpr(x)] : [toExpr(x), toExpr(y)]
      return { k, expr: nodeOf(r[k], args) }
    }))
  const values = evaluateAll(trials.map((t) => ({ expr: t.expr, bindings: [] })), evaluate)
  const refuted = new Set<string>()
  trials.forEach((t, i) => {
    const q = exactValue(r, t.expr)
    const v = values[i] as number
    if (q === undefined || !Number.isFinite(v) || Math.abs(v - toNumber(q)) > CONFIRM * Math.max(1, Math.abs(toNumber(q)))) refuted.add(t.k)
  })
  const keep = (k: (typeof parts)[number]) => (r[k] >= 0 && !refuted.has(k) ? r[k] : -1)
  return { sum: keep("sum"), product: keep("product"), power: keep("power"), difference: keep("difference"), quotient: keep("quotient"), negation: keep("negation") }
}

