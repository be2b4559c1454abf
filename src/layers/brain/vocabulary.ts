/**
 * The brain's input vocabulary: which embedding row a head reads (symbols have none: a
 * symbol reads its binding by exact name, ./featurize.ts).
 * This is an index, not a meaning: rows are initialised at random, and permuting
 * them at initialisation changes nothing the model can learn (tested). No code path
 * here or anywhere in the brain maps a head to the operation it denotes.
 */
import type { Expr } from "../../domain/Expr.js"
import { functions, isOperator, operators } from "../../domain/Expr.js"

/**
 * Rows added after the first ones: their initial values are drawn after every other
 * parameter's, so that adding them leaves the earlier rows' initialisation unchanged.
 */
export const ADDED_HEADS: ReadonlyArray<string> = ["solve/2", "derive/2", "integrate/2"]

/** One row per (head, arity) the expression language has: "+/2", "-/1", "sin/1", … */
export const heads: ReadonlyArray<string> = [
  ...operators.map((o) => `${o}/2`),
  "-/1",
  ...functions.filter((f) => f !== "derive" && f !== "integrate" && f !== "solve").map((f) => `${f}/${f === "=" ? 2 : 1}`),
  ...ADDED_HEADS
]
/** Rows initialised in the first pass (see ADDED_HEADS). */
export const FIRST_HEADS = heads.length - ADDED_HEADS.length
/** name → [row with one argument, row with two] (−1 = none): no string built per lookup, it is on every step's path. */
const headIndex = new Map<string, [number, number]>()
heads.forEach((h, i) => {
  const cut = h.lastIndexOf("/")
  const name = h.slice(0, cut)
  const rows = headIndex.get(name) ?? [-1, -1]
  rows[Number(h.slice(cut + 1)) - 1] = i
  headIndex.set(name, rows)
})

/** The row of a head with this many arguments (1 or 2), or −1 when the vocabulary has none. */
export const headRowOrNone = (e: Extract<Expr, { _tag: "Op" | "Fn" }>, arity: number): number =>
  arity === 1 || arity === 2 ? (headIndex.get(e._tag === "Op" ? e.op : e.fn)?.[arity - 1] ?? -1) : -1

export const headRow = (e: Extract<Expr, { _tag: "Op" | "Fn" }>, arity: number): number => {
  const row = headRowOrNone(e, arity)
  if (row < 0) throw new RangeError(`the brain has no input for ${e._tag === "Op" ? e.op : e.fn} with ${arity} argument(s)`)
  return row
}

/** A node of head row `row` over `args` (the row names its head and arity: data, not meaning). */
export const nodeOf = (row: number, args: ReadonlyArray<Expr>): Expr => {
  const h = heads[row] as string
  const name = h.slice(0, h.lastIndexOf("/"))
  return isOperator(name) ? { _tag: "Op", op: name, args } : { _tag: "Fn", fn: name as Extract<Expr, { _tag: "Fn" }>["fn"], args }
}
export const arityOf = (row: number): number => Number((heads[row] as string).split("/").pop())
