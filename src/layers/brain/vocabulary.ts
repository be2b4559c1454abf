/**
 * The brain's input vocabulary: which embedding row a head reads (symbols have none: a
 * symbol reads its binding by exact name, ./featurize.ts).
 * This is an index, not a meaning: the rows are the grammar's heads (../../domain/Grammar.ts),
 * initialised at random, and permuting them at initialisation changes nothing the model
 * can learn (tested). No code path here or anywhere in the brain maps a head to the
 * operation it denotes.
 */
import type { Expr, FnExpr, OpExpr } from "../../domain/Expr.js"
import { headNameOf, headSignatures, nodeNamed, problemHeadCount, signatureKey } from "../../domain/Grammar.js"

/** One row per (head, arity) of the language, keyed "name/arity". */
export const heads: ReadonlyArray<string> = headSignatures.map(signatureKey)
/**
 * Rows initialised in the first pass: the problem heads come after, their initial values
 * drawn after every other parameter's, so adding them left the earlier rows' unchanged.
 */
export const FIRST_HEADS = heads.length - problemHeadCount
/** name → [row with one argument, row with two] (−1 = none): no string built per lookup, it is on every step's path. */
const headIndex = new Map<string, [number, number]>()
headSignatures.forEach((s, i) => {
  const rows = headIndex.get(s.name) ?? [-1, -1]
  rows[s.arity - 1] = i
  headIndex.set(s.name, rows)
})

/** The row of a head with this many arguments (1 or 2), or −1 when the vocabulary has none. */
export const headRowOrNone = (e: OpExpr | FnExpr, arity: number): number =>
  arity === 1 || arity === 2 ? (headIndex.get(headNameOf(e))?.[arity - 1] ?? -1) : -1

export const headRow = (e: OpExpr | FnExpr, arity: number): number => {
  const row = headRowOrNone(e, arity)
  if (row < 0) throw new RangeError(`the brain has no input for ${headNameOf(e)} with ${arity} argument(s)`)
  return row
}

/** A node of head row `row` over `args` (the row names its head and arity: data, not meaning). */
export const nodeOf = (row: number, args: ReadonlyArray<Expr>): Expr => nodeNamed((headSignatures[row] as (typeof headSignatures)[number]).name, args)
export const arityOf = (row: number): number => (headSignatures[row] as (typeof headSignatures)[number]).arity
