/** Learned head rules in a checkpoint's brain state: numbers only. */
import { Either } from "effect"
import { BrainError, type BrainState } from "../../../services/Brain.js"
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

/**
 * Rules saved under `key` as two leading numbers, then encoded terms: undefined when none
 * were saved, a BadState error when they do not decode.
 */
export const savedRules = (
  state: BrainState,
  key: string
): Either.Either<{ readonly lead: readonly [number, number]; readonly heads: Map<number, ReadonlyArray<Term>> } | undefined, BrainError> => {
  const flat = state[key] ?? []
  if (flat.length === 0) return Either.right(undefined)
  const decoded = decodeTerms(flat, 2)
  if (decoded === undefined) return Either.left(new BrainError({ reason: "BadState", message: `${key} is malformed` }))
  return Either.right({ lead: [flat[0] as number, flat[1] as number], heads: decoded })
}
