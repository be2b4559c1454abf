/**
 * What an argument of an AC head is made of, over the roles the evaluator showed
 * (./roles.ts): a term without its number coefficient, a factor without its number power,
 * its degree in the symbols, and its normal form (./normal.ts) without either, which the
 * form's scorer reads to order arguments as the targets' normal forms are (./form.ts).
 */
import type { Expr } from "../../../domain/Expr.js"
import { nodeOf } from "../vocabulary.js"
import type { Anatomy } from "./form.js"
import { makeNormalizer, rowOf } from "./normal.js"
import { headKey, isNode, isNumberLeaf, withArgs } from "./pattern.js"
import type { Roles } from "./roles.js"

/** A number literal's value (its digits read, nothing computed). */
const valueOf = (e: Expr): number =>
  e._tag === "Integer" ? Number(e.value) : e._tag === "Rational" ? Number(e.num) / Number(e.den) : e._tag === "Float" ? e.value : Number.NaN

/** Terms without their number coefficient, factors without their number power, and degrees, over the discovered roles. */
export const anatomyOf = (r: Roles): Anatomy => {
  const keyOf = (row: number) => headKey(nodeOf(row, []) as never)
  const [sumKey, productKey] = [keyOf(r.sum), keyOf(r.product)]
  const is = (e: Expr, row: number): boolean => row >= 0 && isNode(e) && rowOf(e) === row
  const strip = (head: string, e: Expr): Expr => {
    if (!isNode(e)) return e
    if (head === sumKey && is(e, r.product)) {
      const rest = e.args.filter((a) => !isNumberLeaf(a))
      return rest.length === 0 || rest.length === e.args.length ? e : rest.length === 1 ? (rest[0] as Expr) : withArgs(e, rest)
    }
    if (head === productKey && is(e, r.power) && isNumberLeaf(e.args[1] as Expr)) return e.args[0] as Expr
    return e
  }
  const degree = (e: Expr, other: number): number => {
    if (e._tag === "Symbol") return 1
    if (isNumberLeaf(e)) return 0
    if (is(e, r.product) && isNode(e)) return e.args.reduce((s, a) => s + degree(a, other), 0)
    if (is(e, r.power) && isNode(e) && isNumberLeaf(e.args[1] as Expr)) return degree(e.args[0] as Expr, other) * valueOf(e.args[1] as Expr)
    if (is(e, r.quotient) && isNode(e)) return degree(e.args[0] as Expr, other) - degree(e.args[1] as Expr, other)
    return other
  }
  const normal = makeNormalizer(r)
  // Per head, per argument (trees are immutable): the presentation asks again for every sort.
  const cores = new Map<string, WeakMap<Expr, Expr>>()
  const normalCore = (head: string, e: Expr): Expr => {
    const known = cores.get(head) ?? new WeakMap<Expr, Expr>()
    cores.set(head, known)
    let core = known.get(e)
    if (core === undefined) known.set(e, (core = strip(head, normal.normalize(strip(head, e)))))
    return core
  }
  return { strip, degree, normalCore }
}
