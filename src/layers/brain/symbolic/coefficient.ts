/**
 * Exact coefficients for learned rules. A least-squares fit gives a float; the rule keeps
 * an exact number whose value it reproduces: a small rational p/q (found by continued
 * fractions), or p/q times a constant the vocabulary can write, g(m) or 1/g(m) for a
 * unary head g the brain can evaluate and a small integer m (e.g. 1/ln 10). The constants
 * are the brain's own values of those trees, so a coefficient is found by the same search
 * whatever the heads are called.
 */
import type { Evaluator } from "./learn.js"
import { applyHeads } from "./writer.js"
import { arityOf, heads } from "../vocabulary.js"

/** p/q · (g(m))^power, or p/q when there is no constant. */
export interface Coefficient {
  readonly num: number
  readonly den: number
  readonly constant?: { readonly head: number; readonly argument: number; readonly power: 1 | -1 } | undefined
}

export interface Constant {
  readonly head: number
  readonly argument: number
  readonly power: 1 | -1
  readonly value: number
}

const MAX_DENOMINATOR = 24
const MAX_NUMERATOR = 10_000
/** Relative error within which a value (a constant, a slope) is taken to be the exact number. */
const EXACT = 1e-9
/**
 * The same for a coefficient fitted to finite differences (their error is ~1e-9 relative
 * for steep functions); the rule using it is checked again with the exact value.
 */
export const FITTED = 1e-6
/** Integer arguments of the constants tried. */
const ARGUMENTS = [2, 3, 5, 7, 10]

/** The closest p/q (q ≤ 24) to x by continued fractions, if it is within `tolerance` (relative) of x. */
export const rationalize = (x: number, tolerance = EXACT): { readonly num: number; readonly den: number } | undefined => {
  if (!Number.isFinite(x)) return undefined
  let [h0, h1, k0, k1] = [1, 0, 0, 1]
  let r = x
  for (let i = 0; i < 12; i++) {
    const a = Math.floor(r)
    ;[h0, h1] = [a * h0 + h1, h0]
    ;[k0, k1] = [a * k0 + k1, k0]
    if (k0 > MAX_DENOMINATOR || Math.abs(h0) > MAX_NUMERATOR) return undefined
    if (Math.abs(h0 / k0 - x) <= tolerance * Math.max(1, Math.abs(x))) return { num: h0, den: k0 }
    const frac = r - a
    if (frac < 1e-12) return undefined
    r = 1 / frac
  }
  return undefined
}

/**
 * The constants g(m) and 1/g(m) the brain can write: unary heads it can evaluate at small
 * integers, leaving out values that are rational themselves (those are found as p/q).
 */
export const constantTable = (evaluate: Evaluator, usable: (head: number) => boolean): ReadonlyArray<Constant> => {
  const unary = heads.map((_, h) => h).filter((h) => arityOf(h) === 1 && usable(h))
  const requests = unary.flatMap((head) => ARGUMENTS.map((m) => ({ head, args: [m] })))
  const values = applyHeads(evaluate, requests)
  const out: Array<Constant> = []
  requests.forEach((r, i) => {
    const value = values[i] as number
    if (!Number.isFinite(value) || value === 0 || rationalize(value) !== undefined) return
    for (const power of [1, -1] as const) {
      const v = power === 1 ? value : 1 / value
      if (!out.some((c) => Math.abs(c.value - v) <= EXACT * Math.abs(v))) out.push({ head: r.head, argument: r.args[0] as number, power, value: v })
    }
  })
  return out
}

export const valueOf = (c: Coefficient, constants: ReadonlyArray<Constant>): number => {
  const k = c.constant
  if (k === undefined) return c.num / c.den
  const found = constants.find((t) => t.head === k.head && t.argument === k.argument && t.power === k.power)
  return found === undefined ? NaN : (c.num / c.den) * found.value
}

/** The exact coefficient whose value x is (a rational first, then a rational times a constant), or undefined. */
export const exactCoefficient = (x: number, constants: ReadonlyArray<Constant>, tolerance = FITTED): Coefficient | undefined => {
  const plain = rationalize(x, tolerance)
  if (plain !== undefined) return plain
  for (const c of constants) {
    const r = rationalize(x / c.value, tolerance)
    if (r !== undefined) return { ...r, constant: { head: c.head, argument: c.argument, power: c.power } }
  }
  return undefined
}

/** The exact value a fitted coefficient is taken for (bestSubset's `exact`), undefined when none. */
export const exactValue =
  (constants: ReadonlyArray<Constant>) =>
  (c: number): number | undefined => {
    const k = exactCoefficient(c, constants)
    return k === undefined ? undefined : valueOf(k, constants)
  }
