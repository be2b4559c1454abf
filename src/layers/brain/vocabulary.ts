/**
 * The brain's input vocabulary: which embedding row a head or a symbol name reads.
 * This is an index, not a meaning: rows are initialised at random, and permuting
 * them at initialisation changes nothing the model can learn (tested). No code path
 * here or anywhere in the brain maps a head to the operation it denotes.
 */
import type { Expr } from "../../domain/Expr.js"
import { functions, operators } from "../../domain/Expr.js"

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
const headIndex = new Map(heads.map((h, i) => [h, i]))

export const headRow = (e: Extract<Expr, { _tag: "Op" | "Fn" }>, arity: number): number => {
  const name = e._tag === "Op" ? e.op : e.fn
  const row = headIndex.get(`${name}/${arity}`)
  if (row === undefined) throw new RangeError(`the brain has no input for ${name} with ${arity} argument(s)`)
  return row
}

/** Symbol-name rows: a fixed, generous table; names hash into it deterministically. */
export const SYMBOL_ROWS = 64
const known = ["x", "y", "z", "a", "b", "c", "t", "u", "v", "w", "n", "k", "pi", "e"]
export const symbolRow = (name: string): number => {
  const i = known.indexOf(name)
  if (i >= 0) return i
  let h = 2166136261
  for (let j = 0; j < name.length; j++) h = Math.imul(h ^ name.charCodeAt(j), 16777619) >>> 0
  return known.length + (h % (SYMBOL_ROWS - known.length))
}
