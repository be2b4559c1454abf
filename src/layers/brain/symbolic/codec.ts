/** Learned head rules in a checkpoint's brain state: numbers only. */
import type { Term } from "./subset.js"
import { heads } from "../vocabulary.js"

/** Head rules flattened as [head, n, (column, coefficient) × n, …]. */
export const encodeTerms = (rules: ReadonlyMap<number, ReadonlyArray<Term>>): Array<number> =>
  [...rules].flatMap(([h, terms]) => [h, terms.length, ...terms.flatMap((t) => [t.column, t.coefficient])])

/** The inverse of encodeTerms, reading from `start`; undefined if malformed. */
export const decodeTerms = (flat: ReadonlyArray<number>, start: number): Map<number, ReadonlyArray<Term>> | undefined => {
  const decoded = new Map<number, ReadonlyArray<Term>>()
  let i = start
  while (i < flat.length) {
    const h = flat[i] as number
    const n = flat[i + 1] as number
    if (!(Number.isInteger(h) && h >= 0 && h < heads.length && Number.isInteger(n) && n >= 0 && i + 2 + 2 * n <= flat.length)) return undefined
    const terms: Array<Term> = []
    for (let k = 0; k < n; k++) terms.push({ column: flat[i + 2 + 2 * k] as number, coefficient: flat[i + 3 + 2 * k] as number })
    if (terms.some((t) => !Number.isInteger(t.column) || !Number.isFinite(t.coefficient))) return undefined
    decoded.set(h, terms)
    i += 2 + 2 * n
  }
  return decoded
}
