/**
 * A normal form over the algebra the evaluator showed (./roles.ts), and its presentation.
 *
 * `normalize` writes the shorthands through the sum, the product and the power (a − b as
 * a + m·b, −a as m·a, a / b as a·b^m), flattens sums and products, collects like terms
 * (their number coefficients summed as a constant subtree the evaluator folds), merges
 * equal bases of a product (exponents summed the same way), distributes an integer power
 * over a product and into a power, and a lone number coefficient over a sum. Each step
 * is an instance of a law the evaluator confirmed for those heads; numbers are never
 * computed here, only grouped for the evaluator to fold (./fold.ts).
 *
 * `presentForm` writes the normal form back with the shorthands, in the style a scorer
 * chose by graph edit distance to the training targets (./Simplifier.ts): negative terms
 * of a sum as differences, negative exponents as a quotient, a −1 coefficient as a
 * negation. Every style is equal to the normal form (only shorthands change).
 */
import type { Expr } from "../../../domain/Expr.js"
import { equals } from "../../../domain/Expr.js"
import { headRowOrNone, nodeOf } from "../vocabulary.js"
import { cachedKey } from "./rewrite.js"
import type { Roles } from "./roles.js"
import { isNode, isNumberLeaf, LITERALS, withArgs, type Node } from "./pattern.js"

const hasSymbol = (e: Expr): boolean => (e._tag === "Symbol" ? true : isNode(e) ? e.args.some(hasSymbol) : false)

export const rowOf = (e: Node): number => headRowOrNone(e, e.args.length === 1 ? 1 : 2)

const isInteger = (e: Expr): boolean => e._tag === "Integer"
export const isNegative = (e: Expr): boolean =>
  (e._tag === "Integer" && e.value < 0n) || (e._tag === "Rational" && e.num < 0n) || (e._tag === "Float" && e.value < 0)

export const makeNormalizer = (r: Roles, exponentials: ReadonlyArray<number> = [], exact: (e: Expr) => Expr | undefined = () => undefined) => {
  const zero = LITERALS[r.zero] as Expr
  const one = LITERALS[r.one] as Expr
  const minusOne = r.minusOne >= 0 ? (LITERALS[r.minusOne] as Expr) : undefined
  const isRow = (e: Expr, row: number): e is Node => row >= 0 && isNode(e) && rowOf(e) === row
  const sumNode = (args: ReadonlyArray<Expr>): Expr => (args.length === 0 ? zero : args.length === 1 ? (args[0] as Expr) : nodeOf(r.sum, args))
  const productNode = (args: ReadonlyArray<Expr>): Expr => (args.length === 0 ? one : args.length === 1 ? (args[0] as Expr) : nodeOf(r.product, args))

  /** A term as its number factors and the rest (a product of the others, or the term). */
  const splitTerm = (t: Expr): { coefs: Array<Expr>; rest: Expr } => {
    if (!isRow(t, r.product)) return { coefs: [], rest: t }
    const coefs = t.args.filter(isNumberLeaf)
    return { coefs, rest: productNode(t.args.filter((a) => !isNumberLeaf(a))) }
  }

  const sum = (terms: ReadonlyArray<Expr>): Expr => {
    const flat: Array<Expr> = []
    const pending = [...terms]
    while (pending.length > 0) {
      const t = pending.shift() as Expr
      if (isRow(t, r.sum)) pending.unshift(...t.args)
      else flat.push(t)
    }
    const numbers = flat.filter((t) => isNumberLeaf(t) && !equals(t, zero))
    const groups = new Map<string, { rest: Expr; terms: Array<Expr>; coefs: Array<Expr> }>()
    for (const t of flat) {
      if (isNumberLeaf(t)) continue
      const { coefs, rest } = splitTerm(t)
      const k = cachedKey(rest)
      const g = groups.get(k) ?? { rest, terms: [], coefs: [] }
      g.terms.push(t)
      g.coefs.push(productNode(coefs))
      groups.set(k, g)
    }
    const out: Array<Expr> = []
    for (const g of groups.values()) {
      if (g.terms.length === 1) {
        const t = g.terms[0] as Expr
        const { coefs } = splitTerm(t)
        if (!coefs.some((k) => equals(k, zero))) out.push(t)
        continue
      }
      out.push(product([sumNode(g.coefs), g.rest]))
    }
    if (numbers.length > 0) out.push(sumNode(numbers))
    return sumNode(out)
  }

  const baseOf = (f: Expr): { base: Expr; exponent: Expr } =>
    isRow(f, r.power) && isNumberLeaf(f.args[1] as Expr) ? { base: f.args[0] as Expr, exponent: f.args[1] as Expr } : { base: f, exponent: one }

  const product = (factors: ReadonlyArray<Expr>): Expr => {
    const flat: Array<Expr> = []
    const pending = [...factors]
    while (pending.length > 0) {
      const f = pending.shift() as Expr
      if (isRow(f, r.product)) pending.unshift(...f.args)
      else flat.push(f)
    }
    const numbers = flat.filter((f) => isNumberLeaf(f) && !equals(f, one))
    if (numbers.some((n) => equals(n, zero))) return zero
    const groups = new Map<string, { base: Expr; factors: Array<Expr>; exponents: Array<Expr> }>()
    for (const f of flat) {
      if (isNumberLeaf(f)) continue
      const { base, exponent } = r.power >= 0 ? baseOf(f) : { base: f, exponent: one }
      const k = cachedKey(base)
      const g = groups.get(k) ?? { base, factors: [], exponents: [] }
      g.factors.push(f)
      g.exponents.push(exponent)
      groups.set(k, g)
    }
    const out: Array<Expr> = []
    for (const g of groups.values()) out.push(g.factors.length === 1 ? (g.factors[0] as Expr) : power(g.base, sumNode(g.exponents)))
    const coefficient = numbers.length === 0 ? undefined : productNode(numbers)
    // A lone number coefficient distributes over a lone sum.
    const only = out[0] as Expr
    if (coefficient !== undefined && out.length === 1 && isRow(only, r.sum)) return sum(only.args.map((t) => product([coefficient, t])))
    return productNode(coefficient === undefined ? out : [coefficient, ...out])
  }

  const power = (base: Expr, exponent: Expr): Expr => {
    if (equals(exponent, one)) return base
    // b^0 = b^i·b^−i = 1 (the power's laws); the merged bases of x·x^−1 leave it.
    if (equals(exponent, zero)) return one
    if (isInteger(exponent) && isRow(base, r.product)) return product(base.args.map((a) => power(a, exponent)))
    if (isInteger(exponent) && isRow(base, r.power) && isInteger(base.args[1] as Expr))
      return nodeOf(r.power, [base.args[0] as Expr, productNode([base.args[1] as Expr, exponent])])
    return nodeOf(r.power, [base, exponent])
  }

  const normalize = (e: Expr): Expr => {
    if (!isNode(e)) return e
    const args = e.args.map(normalize)
    const row = rowOf(e)
    const [x, y] = args as [Expr, Expr]
    if (row === r.sum) return sum(args)
    if (row === r.product) return product(args)
    if (minusOne !== undefined) {
      if (row === r.difference) return sum([x, product([minusOne, y])])
      if (row === r.negation) return product([minusOne, x])
      if (row === r.quotient) return product([x, power(y, minusOne)])
    }
    if (row === r.power && r.power >= 0) return power(x, y)
    return withArgs(e, args)
  }

  /** −c for a number c, as a constant subtree the evaluator folds (1 for −1). */
  const negated = (c: Expr): Expr => {
    if (minusOne !== undefined && equals(c, minusOne)) return one
    const m = nodeOf(r.product, [minusOne as Expr, c])
    // Folded now where the confirmed exact arithmetic can (./exact.ts): a coefficient left as
    // (* −1 c) is no number to the presentation, and −1/4·x^−1 ended as (/ 1/4 x), not (/ 1 (* 4 x)).
    return (isNumberLeaf(c) ? exact(m) : undefined) ?? m
  }

  /** h(u)^k as h(k·u), for a row h whose powers are multiples of its argument (./roles.ts discoverExponentials). */
  const multipleOf = (h: Node, k: Expr): Expr => withArgs(h, [product([k, h.args[0] as Expr])])

  const present = (e: Expr, style: Style): Expr => {
    if (!isNode(e)) return e
    const args = e.args.map((a) => present(a, style))
    const row = rowOf(e)
    if (minusOne === undefined) return withArgs(e, args)
    if (row === r.sum && style.difference && r.difference >= 0) {
      const positive: Array<Expr> = []
      const negative: Array<Expr> = []
      for (const t of e.args) {
        const { coefs, rest } = splitTerm(t)
        const c = isNumberLeaf(t) ? t : coefs.length === 1 ? (coefs[0] as Expr) : undefined
        if (c !== undefined && isNegative(c)) {
          const m = negated(c)
          negative.push(present(isNumberLeaf(t) ? m : equals(m, one) ? rest : product([m, rest]), style))
        } else positive.push(present(t, style))
      }
      if (negative.length > 0) {
        if (positive.length === 0)
          return r.negation >= 0 && style.negation ? nodeOf(r.negation, [sumNode(negative)]) : nodeOf(row, args)
        return negative.reduce((acc, n) => nodeOf(r.difference, [acc, n]), sumNode(positive))
      }
      return nodeOf(row, args)
    }
    if (row === r.product) {
      const coefs = e.args.filter(isNumberLeaf)
      const others = e.args.filter((a) => !isNumberLeaf(a))
      let c = coefs.length === 1 ? (coefs[0] as Expr) : undefined
      const num: Array<Expr> = []
      const den: Array<Expr> = []
      for (const f of others) {
        const { base, exponent } = r.power >= 0 ? baseOf(f) : { base: f, exponent: one }
        if (style.exponential && isNegative(exponent) && exponentials.some((u) => isRow(base, u))) {
          num.push(present(multipleOf(base as Node, exponent), style))
          continue
        }
        if (style.quotient && r.quotient >= 0 && isNegative(exponent)) {
          const m = negated(exponent)
          den.push(present(equals(m, one) ? base : nodeOf(r.power, [base, m]), style))
        } else num.push(present(f, style))
      }
      if (coefs.length > 1) return nodeOf(row, args)
      if (style.quotient && r.quotient >= 0 && c !== undefined && c._tag === "Rational") {
        den.unshift({ _tag: "Integer", value: c.den })
        c = { _tag: "Integer", value: c.num }
      }
      let numerator: Expr
      if (c !== undefined && minusOne !== undefined && equals(c, minusOne) && num.length > 0 && style.negation && r.negation >= 0)
        numerator = nodeOf(r.negation, [productNode(num)])
      else numerator = productNode(c === undefined || (equals(c, one) && num.length > 0) ? num : [c, ...num])
      return den.length === 0 ? numerator : nodeOf(r.quotient, [numerator, productNode(den)])
    }
    if (row === r.power && style.exponential && isNegative(e.args[1] as Expr) && exponentials.some((u) => isRow(e.args[0] as Expr, u)))
      return present(multipleOf(e.args[0] as Node, e.args[1] as Expr), style)
    if (row === r.power && r.quotient >= 0 && style.quotient && isNegative(args[1] as Expr))
      return nodeOf(r.quotient, [one, present(power(args[0] as Expr, negated(args[1] as Expr)), style)])
    return withArgs(e, args)
  }

  /**
   * A sum whose every term has a factor b^−k (k a positive integer) of the same base b,
   * over their common denominator: (Σ tᵢ·b^k)·b^−k, k the largest such power of each
   * base every term shares (a/v − b/v² = (a·v − b)·v^−2).
   */
  const overCommonDenominator = (sum: Node): Expr => {
    if (r.power < 0 || minusOne === undefined) return sum
    const denominators = (t: Expr): Map<string, { base: Expr; power: Expr & { value: bigint } }> => {
      const out = new Map<string, { base: Expr; power: Expr & { value: bigint } }>()
      for (const f of isRow(t, r.product) ? t.args : [t])
        if (isRow(f, r.power) && isInteger(f.args[1] as Expr) && isNegative(f.args[1] as Expr))
          out.set(cachedKey(f.args[0] as Expr), { base: f.args[0] as Expr, power: f.args[1] as Expr & { value: bigint } })
      return out
    }
    const each = sum.args.map(denominators)
    const shared = [...(each[0] ?? new Map()).entries()].filter(([k]) => each.every((d) => d.has(k)))
    if (shared.length === 0) return sum
    const lowest = shared.map(([k, d]) => each.reduce((low, m) => ((m.get(k)?.power.value ?? 0n) < low.power.value ? (m.get(k) as typeof d) : low), d))
    const up = lowest.map((l) => nodeOf(r.power, [l.base, nodeOf(r.product, [minusOne, l.power])]))
    return nodeOf(r.product, [nodeOf(r.sum, sum.args.map((t) => nodeOf(r.product, [t, ...up]))), ...lowest.map((l) => nodeOf(r.power, [l.base, l.power]))])
  }

  /**
   * Sums in the given order; and the content of a sum that is a factor of a product with
   * other factors, or the base of an integer power, taken out: c·S with S's first term's
   * coefficient 1 (each coefficient times c to the power m, a constant subtree).
   */
  const content = (e: Expr, order: (sum: Node) => Array<Expr>, extract: boolean, common = false): Expr => {
    if (!isNode(e)) return e
    const args = e.args.map((a) => content(a, order, extract, common))
    if (isRow(e, r.sum)) {
      const sorted = nodeOf(r.sum, order(withArgs(e, args) as Node)) as Node
      return common ? overCommonDenominator(sorted) : sorted
    }
    if (!extract || r.power < 0 || minusOne === undefined) return withArgs(e, args)
    const split = (s: Expr): [Expr, Expr] | undefined => {
      if (!isRow(s, r.sum)) return undefined
      const lead = splitTerm(s.args[0] as Expr)
      if (lead.coefs.length !== 1 || isNumberLeaf(s.args[0] as Expr)) return undefined
      const c = lead.coefs[0] as Expr
      if (equals(c, one)) return undefined
      const inverse = nodeOf(r.power, [c, minusOne])
      const terms = s.args.map((t) => {
        if (isNumberLeaf(t)) return nodeOf(r.product, [t, inverse])
        const { coefs, rest } = splitTerm(t)
        return productNode([productNode([...coefs, inverse]), rest])
      })
      return [c, nodeOf(r.sum, terms)]
    }
    if (isRow(e, r.product) && args.filter((a) => !isNumberLeaf(a)).length >= 2) {
      const taken: Array<Expr> = []
      const rest = args.map((f) => {
        const sc = split(f)
        if (sc !== undefined) {
          taken.push(sc[0])
          return sc[1]
        }
        if (isRow(f, r.power) && isInteger(f.args[1] as Expr)) {
          const pc = split(f.args[0] as Expr)
          if (pc !== undefined) {
            taken.push(nodeOf(r.power, [pc[0], f.args[1] as Expr]))
            return nodeOf(r.power, [pc[1], f.args[1] as Expr])
          }
        }
        return f
      })
      if (taken.length === 0) return withArgs(e, args)
      // The contents taken out and the number factors already there: one constant subtree, folded into one coefficient.
      const all = [...taken, ...rest]
      const constant = all.filter((f) => !hasSymbol(f))
      return constant.length < 2 ? nodeOf(r.product, all) : nodeOf(r.product, [nodeOf(r.product, constant), ...all.filter(hasSymbol)])
    }
    if (isRow(e, r.power) && isInteger(args[1] as Expr)) {
      const pc = split(args[0] as Expr)
      if (pc !== undefined) return nodeOf(r.product, [nodeOf(r.power, [pc[0], args[1] as Expr]), nodeOf(r.power, [pc[1], args[1] as Expr])])
    }
    return withArgs(e, args)
  }

  return { normalize, present, content }
}

/** The shorthands a presentation writes (each chosen by the scorer). */
export interface Style {
  readonly difference: boolean
  readonly quotient: boolean
  readonly negation: boolean
  /** Sums' content taken out (./normal.ts content). */
  readonly content: boolean
  /** Sums whose terms share a denominator over it. */
  readonly common: boolean
  /** A negative power of an exponential-like row written as that row of a multiple: 1/h(u) as h(−u). */
  readonly exponential: boolean
}
/** Every combination of the shorthands (the exponential one only with quotients: without them it changes little and doubles the choosing). */
export const STYLES: ReadonlyArray<Style> = Array.from({ length: 64 }, (_, i) => ({
  difference: (i & 1) !== 0,
  quotient: (i & 2) !== 0,
  negation: (i & 4) !== 0,
  content: (i & 8) !== 0,
  common: (i & 16) !== 0,
  exponential: (i & 32) !== 0
})).filter((s) => !s.exponential || s.quotient)
