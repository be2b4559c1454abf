/**
 * The candidate terms of a symbolic rule (BRAIN-NOTES, "L5"): a node with children u, v
 * whose rule expresses some quantity of the node (its derivative) as Σ c · monomial · d,
 * d the same quantity of one child. A monomial is a product of up to three factors from
 * one generic set, the same for every head:
 *
 *   u, v, node, 1/u, 1/v, sin u, cos u, u^(v − 1)
 *
 * (the sine unit at its two simplest phases, 0 and π/2, written in the output language
 * as sin and cos: adding π/2 in floating point to a huge u would lose it; the last is
 * the power unit with the second input shifted by one). Which terms a head
 * uses, with which coefficients, is learned by search (./subset.ts); nothing here knows
 * what a head means.
 */

export const FACTORS = ["u", "v", "node", "1/u", "1/v", "sin u", "cos u", "u^(v-1)"] as const
export type Factor = (typeof FACTORS)[number]

/** Every multiset of 0–3 factors, by size then lexicographically: index 0 is the empty product 1. */
export const MONOMIALS: ReadonlyArray<ReadonlyArray<number>> = (() => {
  const out: Array<Array<number>> = [[]]
  const n = FACTORS.length
  for (let i = 0; i < n; i++) out.push([i])
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push([i, j])
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) for (let k = j; k < n; k++) out.push([i, j, k])
  return out
})()

/** A candidate column: a monomial times the quantity of child `slot` (0 = u, 1 = v). */
export interface Column {
  readonly monomial: number
  readonly slot: 0 | 1
}
export const COLUMNS: ReadonlyArray<Column> = [0, 1].flatMap((slot) => MONOMIALS.map((_, monomial) => ({ monomial, slot: slot as 0 | 1 })))

/** Degree of a column (its monomial's number of factors), the tie-break between exact fits. */
export const degree = (c: Column): number => (MONOMIALS[c.monomial] as ReadonlyArray<number>).length

/** The factor values at one node. */
export const factorValues = (u: number, v: number, node: number): Float64Array =>
  Float64Array.of(u, v, node, 1 / u, 1 / v, Math.sin(u), Math.cos(u), Math.pow(u, v - 1))

/** Every column's value at one node, given the children's quantities du, dv. */
export const columnValues = (factors: Float64Array, du: number, dv: number, into: Float64Array = new Float64Array(COLUMNS.length)): Float64Array => {
  const m = MONOMIALS.length
  for (let k = 0; k < m; k++) {
    let p = 1
    for (const f of MONOMIALS[k] as ReadonlyArray<number>) p *= factors[f] as number
    into[k] = p * du
    into[m + k] = p * dv
  }
  return into
}
