/**
 * The canonical order of the normal form: terms of a sum (numbers last, higher degree
 * first, then by key) and factors of a product (symbols, functions, sums, the rest),
 * and groups of like terms or equal bases found by key.
 */
import type { Expr } from "../../../domain/Expr.js"
import { ONE } from "../../../domain/Expr.js"
import { print, printAtom } from "../../../domain/Polish.js"
import * as N from "../numeric.js"
import { isNum, numOf, splitCoefficient } from "./core.js"

/**
 * The total order on normal-form nodes: the order of their canonical prints, computed by
 * walking both trees instead of printing them (no strings, no cache). It agrees with
 * `print(a) < print(b)` because an operator's "(" sorts before the first character of
 * every atom, no head is a prefix of another, and where one argument list is a prefix of
 * the other the longer list continues with " ", which sorts before ")".
 */
export const compareKey = (a: Expr, b: Expr): number => {
  if (a === b) return 0
  const ac = a._tag === "Op" || a._tag === "Fn"
  const bc = b._tag === "Op" || b._tag === "Fn"
  if (ac && bc) {
    const ha = a._tag === "Op" ? a.op : (a as Extract<Expr, { _tag: "Fn" }>).fn
    const hb = b._tag === "Op" ? b.op : (b as Extract<Expr, { _tag: "Fn" }>).fn
    if (ha !== hb) return ha < hb ? -1 : 1
    const xs = (a as Extract<Expr, { _tag: "Op" }>).args
    const ys = (b as Extract<Expr, { _tag: "Op" }>).args
    const n = xs.length < ys.length ? xs.length : ys.length
    for (let i = 0; i < n; i++) {
      const c = compareKey(xs[i] as Expr, ys[i] as Expr)
      if (c !== 0) return c
    }
    return xs.length === ys.length ? 0 : xs.length > ys.length ? -1 : 1
  }
  if (ac) return -1
  if (bc) return 1
  if (a._tag === b._tag) {
    switch (a._tag) {
      case "Symbol":
        if (a.name === (b as typeof a).name) return 0
        break
      case "Integer":
        if (a.value === (b as typeof a).value) return 0
        break
      case "Float":
        if (Object.is(a.value, (b as typeof a).value)) return 0
        break
      case "Rational":
        if (a.num === (b as typeof a).num && a.den === (b as typeof a).den) return 0
        break
    }
  }
  const ka = printAtom(a)
  const kb = printAtom(b)
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

/** Whether two normal-form nodes print the same (`compareKey(a, b) === 0`), faster. */
const sameKey = (a: Expr, b: Expr): boolean => {
  if (a === b) return true
  switch (a._tag) {
    case "Symbol":
      return b._tag === "Symbol" && a.name === b.name
    case "Integer":
      return b._tag === "Integer" && a.value === b.value
    case "Float":
      return b._tag === "Float" && Object.is(a.value, b.value)
    case "Rational":
      return b._tag === "Rational" && a.num === b.num && a.den === b.den
    case "Op":
    case "Fn": {
      if (b._tag !== a._tag) return false
      if ((a._tag === "Op" ? a.op : a.fn) !== (b._tag === "Op" ? b.op : (b as Extract<Expr, { _tag: "Fn" }>).fn)) return false
      const xs = a.args
      const ys = b.args
      if (xs.length !== ys.length) return false
      for (let i = 0; i < xs.length; i++) if (!sameKey(xs[i] as Expr, ys[i] as Expr)) return false
      return true
    }
  }
}

/**
 * Groups in insertion order, found by key: a linear scan while there are few groups
 * (the usual case), the canonical print as a Map key beyond that.
 */
export class Groups<G extends { readonly key: Expr }> {
  declare readonly list: Array<G>
  declare private byPrint: Map<string, G> | undefined
  constructor() {
    this.list = []
    this.byPrint = undefined
  }
  find(key: Expr): G | undefined {
    if (this.byPrint !== undefined) return this.byPrint.get(print(key))
    const list = this.list
    for (let i = 0; i < list.length; i++) if (sameKey((list[i] as G).key, key)) return list[i]
    return undefined
  }
  add(g: G): void {
    this.list.push(g)
    if (this.byPrint !== undefined) this.byPrint.set(print(g.key), g)
    else if (this.list.length > 16) this.byPrint = new Map(this.list.map((x) => [print(x.key), x]))
  }
}

/** Polynomial degree used to order terms: x^3 before x before constants. */
const degree = (e: Expr): number => {
  switch (e._tag) {
    case "Symbol":
      return 1
    case "Op":
      if (e.op === "^") {
        const p = numOf(e.args[1] as Expr)
        return p === undefined ? 0.5 : degree(e.args[0] as Expr) * N.toFloat(p)
      }
      if (e.op === "*") return e.args.reduce((s, a) => s + degree(a), 0)
      return 0.5
    default:
      return isNum(e) ? 0 : 0.5
  }
}

/** A term with what its order needs, computed once per sort rather than per comparison. */
interface SortedTerm {
  readonly term: Expr
  readonly num: boolean
  readonly rest: Expr
  readonly degree: number
}
const sortedTerm = (term: Expr): SortedTerm => {
  const num = isNum(term)
  const rest = num ? ONE : splitCoefficient(term)[1]
  return { term, num, rest, degree: degree(rest) }
}
/** Numbers last; otherwise higher degree first, then by key (of the term without its coefficient). */
const compareTerms = (a: SortedTerm, b: SortedTerm): number => {
  if (a.num !== b.num) return a.num ? 1 : -1
  const d = b.degree - a.degree
  if (d !== 0) return d
  return compareKey(a.rest, b.rest)
}
export const sortTerms = (terms: ReadonlyArray<Expr>): Array<Expr> => {
  if (terms.length === 2) {
    // What Array.prototype.sort does with two elements: b moves first when (b, a) compares below 0.
    const a = sortedTerm(terms[0] as Expr)
    const b = sortedTerm(terms[1] as Expr)
    return compareTerms(b, a) < 0 ? [b.term, a.term] : [a.term, b.term]
  }
  return terms.map(sortedTerm).sort(compareTerms).map((t) => t.term)
}

/** Symbols first, then functions, then sums, then anything else: (* 2 x (exp x) (+ x 1)). */
const factorRank = (base: Expr): number =>
  base._tag === "Symbol" ? 0 : base._tag === "Fn" ? 1 : base._tag === "Op" && base.op === "+" ? 2 : 3

/** A factor with its base and rank, computed once per sort rather than per comparison. */
interface SortedFactor {
  readonly factor: Expr
  readonly base: Expr
  readonly rank: number
}
const sortedFactor = (factor: Expr): SortedFactor => {
  const base = factor._tag === "Op" && factor.op === "^" ? (factor.args[0] as Expr) : factor
  return { factor, base, rank: factorRank(base) }
}
const compareFactors = (a: SortedFactor, b: SortedFactor): number => {
  const r = a.rank - b.rank
  if (r !== 0) return r
  return compareKey(a.base, b.base)
}
/** The factors in order, after `first` when given (the coefficient). */
export const sortFactors = (factors: ReadonlyArray<Expr>, first?: Expr): Array<Expr> => {
  const n = factors.length
  const out: Array<Expr> = []
  if (first !== undefined) out.push(first)
  if (n === 1) out.push(factors[0] as Expr)
  else if (n === 2) {
    // What Array.prototype.sort does with two elements: b moves first when (b, a) compares below 0.
    const a = sortedFactor(factors[0] as Expr)
    const b = sortedFactor(factors[1] as Expr)
    if (compareFactors(b, a) < 0) out.push(b.factor, a.factor)
    else out.push(a.factor, b.factor)
  } else for (const f of factors.map(sortedFactor).sort(compareFactors)) out.push(f.factor)
  return out
}
