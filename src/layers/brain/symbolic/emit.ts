/**
 * Emission of a learned rule as an expression: the tangent of an input tree along a
 * symbol, built bottom-up by each head's learned terms (./factors.ts) over copies of the
 * input's own subtrees, written with the heads the brain found for sums, products and
 * quotients (./writer.ts). Only structure is built here (a zero term is left out, a
 * factor 1 is not written); nothing is evaluated or simplified, and a head without a
 * learned rule gives no answer.
 */
import type { Expr, FnExpr, OpExpr } from "../../../domain/Expr.js"
import { rational } from "../../../domain/Expr.js"
import { nestBinary } from "../../../domain/Grammar.js"
import { nodeOf } from "../vocabulary.js"
import type { Coefficient } from "./coefficient.js"
import { isUnknown, type Atom, type RuleTerm } from "./factors.js"
import { numberLeaf, productOf, signedSum, type Writer } from "./writer.js"

/** What a brain has learned about tangents: each head row's terms and the leaves' slopes. */
export interface TangentRules {
  readonly heads: ReadonlyMap<number, ReadonlyArray<RuleTerm>>
  /** Slope of a number leaf, and of a leaf that is the symbol of differentiation (exact rationals). */
  readonly numberSlope: number
  readonly variableSlope: number
  readonly writer: Writer
}

/** The brain's head row of a node (n-ary nodes nest into their two-argument row, as in featurize). */
export type HeadRowOf = (e: OpExpr | FnExpr, arity: 1 | 2) => number

/** Thrown inside emission where some head has no learned rule. */
export class NoRule extends Error {}

/** A rational number (a slope, p/q with a small q) as a leaf. */
export const rationalLeaf = (x: number): Expr => {
  for (let den = 1; den <= 24; den++) {
    const num = Math.round(x * den)
    if (Math.abs(num / den - x) <= 1e-12 * Math.max(1, Math.abs(x))) return numberLeaf(num, den)
  }
  throw new NoRule()
}

/** child + by, with the sum or difference head. */
const shifted = (w: Writer, c: Expr, by: number): Expr => (by === 0 ? c : nodeOf(by > 0 ? w.sum : w.difference, [c, numberLeaf(Math.abs(by))]))

/** A node's atoms as expressions; `more` writes the atoms only an antitangent rule has. */
export interface AtomSource {
  readonly node: Expr
  readonly u: Expr
  readonly v: Expr | undefined
  readonly more?: (a: Atom) => Expr
}

export const atomExpr = (w: Writer, a: Atom, s: AtomSource): Expr => {
  const child = (slot: 0 | 1): Expr => {
    const c = slot === 0 ? s.u : s.v
    if (c === undefined) throw new NoRule()
    return c
  }
  switch (a.kind) {
    case "child":
      return child(a.slot)
    case "node":
      return s.node
    case "shifted":
      return shifted(w, child(a.slot), a.by)
    case "applied":
      return nodeOf(a.head, [child(a.slot)])
    case "pair":
      return nodeOf(a.head, [child(0), shifted(w, child(1), a.by)])
    default:
      if (s.more === undefined) throw new NoRule()
      return s.more(a)
  }
}

/** An exact number leaf as (num, den), den > 0; undefined for any other expression. */
export const exactLeaf = (e: Expr): readonly [bigint, bigint] | undefined =>
  e._tag === "Integer" ? [e.value, 1n] : e._tag === "Rational" ? [e.num, e.den] : undefined

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b))

/**
 * One term as ±(coefficient · Π factors · extra): the rational and a constant's g(m) in
 * the numerator, 1/g(m) and the factors of power −1 in the denominator. Factors that are
 * exact number leaves (a child's tangent that is a number) join the rational, so that the
 * term is one coefficient times the rest: an antitangent can then be taken of it again
 * (a second antitangent, by parts) with the rule of a product by a number.
 */
export const termExpr = (w: Writer, t: RuleTerm, s: AtomSource, extra: Expr | undefined): { readonly negative: boolean; readonly expr: Expr } => {
  const c: Coefficient = t.coefficient
  let num = BigInt(c.num)
  let den = BigInt(c.den)
  const numerator: Array<Expr> = []
  const denominator: Array<Expr> = []
  const put = (e: Expr, power: 1 | -1) => {
    const exact = exactLeaf(e)
    if (exact === undefined || (power === -1 && exact[0] === 0n)) (power === 1 ? numerator : denominator).push(e)
    else if (power === 1) [num, den] = [num * exact[0], den * exact[1]]
    else [num, den] = [num * exact[1], den * exact[0]]
  }
  if (c.constant !== undefined) (c.constant.power === 1 ? numerator : denominator).push(nodeOf(c.constant.head, [numberLeaf(c.constant.argument)]))
  for (const f of t.factors) put(atomExpr(w, f.atom, s), f.power)
  if (extra !== undefined) put(extra, 1)
  if (den < 0n) [num, den] = [-num, -den]
  const g = gcd(num, den)
  if (g > 1n) [num, den] = [num / g, den / g]
  const magnitude = num < 0n ? -num : num
  if (magnitude !== den || (numerator.length === 0 && denominator.length === 0)) numerator.unshift(rational(magnitude, den))
  const top = productOf(w, numerator) ?? numberLeaf(1)
  const bottom = productOf(w, denominator)
  return { negative: num < 0n, expr: bottom === undefined ? top : nodeOf(w.quotient, [top, bottom]) }
}

/** One term of a node's rule with the tangent of the child it reads. */
export interface TermPart {
  readonly term: RuleTerm
  readonly d: Expr
}

/**
 * How a node's terms are written, when not as one signed sum of terms: a form chosen per
 * head (./ruleForms.ts), or undefined for the signed sum. Only the writing changes; the
 * terms, and so the value, are the learned rule's.
 */
export type TermsWriter = (row: number, parts: ReadonlyArray<TermPart>, source: AtomSource) => Expr | undefined

const tangent = (e: Expr, variable: string, rules: TangentRules, headRowOf: HeadRowOf, write?: TermsWriter): Expr | undefined => {
  switch (e._tag) {
    case "Integer":
    case "Rational":
    case "Float":
      return rules.numberSlope === 0 ? undefined : rationalLeaf(rules.numberSlope)
    case "Symbol": {
      const slope = e.name === variable ? rules.variableSlope : rules.numberSlope
      return slope === 0 ? undefined : rationalLeaf(slope)
    }
    case "Op":
    case "Fn": {
      if (e.args.length === 0) throw new NoRule()
      const node = nestBinary(e)
      const unary = node.args.length === 1
      const row = headRowOf(node, unary ? 1 : 2)
      const terms = rules.heads.get(row)
      if (terms === undefined) throw new NoRule()
      const u = node.args[0] as Expr
      const v = unary ? undefined : (node.args[1] as Expr)
      const du = tangent(u, variable, rules, headRowOf, write)
      const dv = v === undefined ? undefined : tangent(v, variable, rules, headRowOf, write)
      const parts: Array<TermPart> = []
      for (const term of terms) {
        const d = term.slot === 0 ? du : dv
        if (d === undefined) continue
        if (isUnknown(term)) throw new NoRule()
        parts.push({ term, d })
      }
      const source = { node: e, u, v }
      return write?.(row, parts, source) ?? signedSum(rules.writer, parts.map((p) => termExpr(rules.writer, p.term, source, p.d)))
    }
  }
}

/** The tangent of e along `variable` as an expression, or undefined where a head has no rule. */
export const emitTangent = (e: Expr, variable: string, rules: TangentRules, headRowOf: HeadRowOf, write?: TermsWriter): Expr | undefined => {
  try {
    return tangent(e, variable, rules, headRowOf, write) ?? numberLeaf(0)
  } catch (error) {
    if (error instanceof NoRule || error instanceof RangeError) return undefined
    throw error
  }
}
