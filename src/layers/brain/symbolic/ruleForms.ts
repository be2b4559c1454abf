/**
 * How each head's learned tangent rule is written (issue #15): as the signed sum of its
 * terms, or over their common denominator. The two are equal; they differ in the form the
 * simplifier then reaches, and the choice per head is made by graph edit distance to the
 * training targets, the way the simplifier's own choices are (../simplify/Simplifier.ts).
 *
 * A rule learned as tᵢ = cᵢ · Π factors may read the node itself. Where the brain's values
 * show the node to be a monomial of its children (a quotient's node is u·v⁻¹, a product's
 * u·v), the common form writes the node as that monomial, so that the quotient rule
 * u'/v − node·v'/v becomes (u'·v − u·v')/(v·v). Nothing here knows a head: the monomial is
 * found on probe values of the head, the rule's terms are the learner's.
 */
import type { Expr } from "../../../domain/Expr.js"
import { toGraph } from "../../../domain/Graph.js"
import { ged } from "../../../domain/ged/index.js"
import { arityOf, heads, nodeOf } from "../vocabulary.js"
import { atomExpr, exactLeaf, termExpr, type AtomSource, type TermPart, type TermsWriter } from "./emit.js"
import type { Atom, Factor, RuleTerm } from "./factors.js"
import type { Evaluator } from "./learn.js"
import { applyHeads, productOf, signedSum, type Writer } from "./writer.js"
import { cachedKey } from "../simplify/rewrite.js"

/** A binary node as u^u · v^v. */
export interface NodeMonomial {
  readonly u: number
  readonly v: number
}

const PROBES: ReadonlyArray<readonly [number, number]> = [
  [1.3, 0.7],
  [2.1, 0.45],
  [0.6, 1.7],
  [3.25, 2.5]
]
const EXPONENTS = [-1, 0, 1]

/** The node of a binary head as a monomial of its children, where its values at every probe show one. */
export const nodeMonomial = (evaluate: Evaluator, row: number): NodeMonomial | undefined => {
  if (arityOf(row) !== 2) return undefined
  const values = applyHeads(evaluate, PROBES.map((args) => ({ head: row, args })))
  for (const u of EXPONENTS)
    for (const v of EXPONENTS) {
      if (u === 0 && v === 0) continue
      const fits = PROBES.every(([a, b], j) => {
        const want = a ** u * b ** v
        return Math.abs((values[j] as number) - want) <= 1e-9 * (1 + Math.abs(want))
      })
      if (fits) return { u, v }
    }
  return undefined
}

/** A term's factors with the node written as its monomial and equal atoms merged: atom key → (atom, power). */
const mergedFactors = (factors: ReadonlyArray<Factor>, node: NodeMonomial | undefined): Map<string, { atom: Atom; power: number }> => {
  const out = new Map<string, { atom: Atom; power: number }>()
  const add = (atom: Atom, power: number) => {
    const k = JSON.stringify(atom)
    const at = out.get(k) ?? { atom, power: 0 }
    at.power += power
    if (at.power === 0) out.delete(k)
    else out.set(k, at)
  }
  for (const f of factors) {
    if (f.atom.kind === "node" && node !== undefined) {
      if (node.u !== 0) add({ kind: "child", slot: 0 }, f.power * node.u)
      if (node.v !== 0) add({ kind: "child", slot: 1 }, f.power * node.v)
    } else add(f.atom, f.power)
  }
  return out
}

/**
 * A node's terms as one quotient: each term times the denominator factors it lacks, over
 * the product of every term's denominator factors (each atom to its highest power among the
 * terms). Undefined when no term has a denominator to share (the signed sum is the form).
 * Atoms that are number leaves stay in their term (its number takes them).
 */
export const overCommonDenominator = (w: Writer, parts: ReadonlyArray<TermPart>, source: AtomSource, node: NodeMonomial | undefined): Expr | undefined => {
  if (parts.length < 2) return undefined
  const merged = parts.map((p) => mergedFactors(p.term.factors, node))
  const exprs = new Map<string, Expr>()
  const exprOf = (k: string, atom: Atom): Expr => {
    const known = exprs.get(k)
    if (known !== undefined) return known
    const e = atomExpr(w, atom, source)
    exprs.set(k, e)
    return e
  }
  const shared = new Map<string, { atom: Atom; power: number }>()
  merged.forEach((m) => {
    for (const [k, f] of m) {
      if (f.power >= 0 || exactLeaf(exprOf(k, f.atom)) !== undefined) continue
      if ((shared.get(k)?.power ?? 0) < -f.power) shared.set(k, { atom: f.atom, power: -f.power })
    }
  })
  if (shared.size === 0) return undefined
  const repeated = (atom: Atom, n: number, power: 1 | -1): Array<Factor> => Array.from({ length: n }, () => ({ atom, power }))
  const numerators = parts.map((p, i) => {
    const m = merged[i] as Map<string, { atom: Atom; power: number }>
    const factors: Array<Factor> = []
    for (const [k, f] of m) {
      const lifted = f.power + (shared.get(k)?.power ?? 0)
      if (shared.has(k)) factors.push(...repeated(f.atom, lifted, 1))
      else factors.push(...repeated(f.atom, Math.abs(f.power), f.power > 0 ? 1 : -1))
    }
    for (const [k, s] of shared) if (!m.has(k)) factors.push(...repeated(s.atom, s.power, 1))
    const term: RuleTerm = { slot: p.term.slot, coefficient: p.term.coefficient, factors }
    return termExpr(w, term, source, p.d)
  })
  const top = signedSum(w, numerators)
  const bottom = productOf(w, [...shared].flatMap(([k, s]) => Array.from({ length: s.power }, () => exprOf(k, s.atom))))
  return top === undefined || bottom === undefined ? undefined : nodeOf(w.quotient, [top, bottom])
}

/** A problem the forms are scored on: its answer is emitted by the caller with a given writer. */
export interface FormSample {
  /** The head rows of the problem's tree (a head's form matters only where it occurs). */
  readonly rows: ReadonlySet<number>
  readonly emit: (write: TermsWriter) => Expr | undefined
  readonly target: Expr
}

/** Samples per head and scoring step: GED is the dear part. */
const SAMPLES = 48
/** Answers larger than this (in characters of their key) are left out of scoring. */
const MAX_KEY = 480

export interface RuleForms {
  /** The writer of the chosen forms (undefined for a head: its signed sum). */
  readonly writer: (w: Writer) => TermsWriter
  /** Whether some head is written otherwise than as its signed sum. */
  readonly writesAny: () => boolean
  /**
   * One scoring step: for each head whose rule has terms to share a denominator, each
   * form's GED to the targets (the other heads at their current choice), the answers
   * simplified by `simplify`, added to that head's accumulated loss.
   */
  readonly score: (rules: ReadonlyMap<number, ReadonlyArray<RuleTerm>>, w: Writer, samples: ReadonlyArray<FormSample>, simplify: (e: Expr) => Expr) => void
  readonly state: () => Array<number>
  readonly load: (flat: ReadonlyArray<number>) => boolean
}

export const makeRuleForms = (evaluate: Evaluator): RuleForms => {
  /** Accumulated GED per head row: [as a sum, over the common denominator]. */
  let loss = new Map<number, [number, number]>()
  const monomials = new Map<number, NodeMonomial | undefined>()
  const monomialOf = (row: number): NodeMonomial | undefined => {
    if (!monomials.has(row)) monomials.set(row, nodeMonomial(evaluate, row))
    return monomials.get(row)
  }
  const common = (row: number): boolean => {
    const l = loss.get(row)
    return l !== undefined && l[1] < l[0]
  }
  const writerWith = (w: Writer, choose: (row: number) => boolean): TermsWriter => (row, parts, source) =>
    choose(row) ? overCommonDenominator(w, parts, source, monomialOf(row)) : undefined
  /** A rule that could be written otherwise: two terms or more, one with a factor to the power −1. */
  const hasForms = (terms: ReadonlyArray<RuleTerm>): boolean => terms.length >= 2 && terms.some((t) => t.factors.some((f) => f.power < 0 || f.atom.kind === "node"))

  return {
    writer: (w) => writerWith(w, common),
    writesAny: () => [...loss.keys()].some(common),
    score: (rules, w, samples, simplify) => {
      for (const [row, terms] of rules) {
        if (!hasForms(terms)) continue
        const some = samples.filter((s) => s.rows.has(row)).slice(0, SAMPLES)
        if (some.length === 0) continue
        const l = loss.get(row) ?? [0, 0]
        const totals: [number, number] = [0, 0]
        let scored = 0
        for (const s of some) {
          const outs = [false, true].map((mine) => {
            const e = s.emit(writerWith(w, (r) => (r === row ? mine : common(r))))
            return e === undefined ? undefined : simplify(e)
          })
          if (outs.some((o) => o === undefined || cachedKey(o).length > MAX_KEY)) continue
          const target = toGraph(s.target)
          const [plain, shared] = outs as [Expr, Expr]
          const d0 = ged(toGraph(plain), target).distance
          const d1 = cachedKey(plain) === cachedKey(shared) ? d0 : ged(toGraph(shared), target).distance
          totals[0] += d0
          totals[1] += d1
          scored++
        }
        if (scored === 0) continue
        loss.set(row, [l[0] + totals[0], l[1] + totals[1]])
      }
    },
    state: () => [...loss].flatMap(([row, [a, b]]) => [row, a, b]),
    load: (flat) => {
      if (flat.length % 3 !== 0 || flat.some((x, i) => !Number.isFinite(x) || (i % 3 === 0 && (!Number.isInteger(x) || heads[x] === undefined)))) return false
      loss = new Map(Array.from({ length: flat.length / 3 }, (_, i) => [flat[3 * i] as number, [flat[3 * i + 1] as number, flat[3 * i + 2] as number]] as const))
      return true
    }
  }
}
