/**
 * Emission of learned antitangent rules (./antiderivative.ts learns them): an
 * antiderivative of an input tree along a symbol, built bottom-up by each head's rule over
 * copies of the input's subtrees, the children's own antitangents and tangents.
 *
 * A head may have several rules, each learned where the ones before it did not hold (the
 * product's rule of level 6 holds where one factor is a number; integration by parts is
 * learned later, from nodes where it failed). Where a head has more than one, they are
 * tried in turn and the first whose tangent is the node, by the brain's own values (a
 * Verifier), is written: a rule is used only where the brain sees that it holds.
 */
import type { Expr } from "../../../domain/Expr.js"
import { sym } from "../../../domain/Expr.js"
import { nestBinary } from "../../../domain/Grammar.js"
import { print } from "../../../domain/Polish.js"
import { canFeaturize } from "../featurize.js"
import { checkTangents, type Evaluate } from "../selfCheck.js"
import { emitTangent, NoRule, rationalLeaf, termExpr, type HeadRowOf, type TangentRules } from "./emit.js"
import type { Atom, RuleTerm } from "./factors.js"
import { coefficientForm, numberLeaf, productOf, signedSum, type Writer } from "./writer.js"

export interface AntiRules {
  /** Each head row's rules, in the order they were learned (tried in that order). */
  readonly heads: ReadonlyMap<number, ReadonlyArray<ReadonlyArray<RuleTerm>>>
  /** α of a number leaf and of the variable's leaf (undefined until learned). */
  readonly numberAlpha: number | undefined
  readonly variableAlpha: number | undefined
  readonly writer: Writer
}

/** Whether `candidate`'s tangent is `node` (both along the emission's variable), by the brain's own values. */
export type Verifier = (node: Expr, candidate: Expr) => boolean

/** A verifier at `points` of the variable (other symbols bound by `bindings`): the self-check of an answer, applied to one node. */
export const tangentVerifier = (evaluate: Evaluate, variable: string, points: ReadonlyArray<number>, bindings: ReadonlyArray<readonly [string, number]> = []): Verifier => (node, candidate) =>
  canFeaturize(node) &&
  canFeaturize(candidate) &&
  checkTangents(evaluate, [{ f: candidate, g: node, describe: "the node", source: "its antitangent", variable, bindings, points, minPoints: 1 }])[0] === undefined

/** How many parts atoms may nest (by parts within by parts: a polynomial factor of this degree). */
const MAX_PARTS_DEPTH = 3

interface Context {
  readonly variable: string
  readonly rules: AntiRules
  readonly tangents: TangentRules | undefined
  readonly headRowOf: HeadRowOf
  readonly verify: Verifier | undefined
  /** The brain's own simplifier (an equivalent expression), applied to the expression a parts atom integrates again. */
  readonly simplify: ((e: Expr) => Expr) | undefined
  readonly depth: number
  /** How deep parts atoms may nest in this attempt (emission deepens it one step at a time). */
  readonly limit: number
  readonly search: Search
}

/** What one emission keeps across its attempts. */
interface Search {
  /** Antitangents written so far (subtrees are shared objects): right at any depth limit. */
  readonly memo: Map<Expr, Expr>
  /** Verdicts of the verifier, by the candidate's text. */
  readonly verdicts: Map<string, boolean>
  /** Whether this attempt cut a parts atom at its depth limit (a deeper one may succeed). */
  cut: boolean
}

const isZero = (e: Expr): boolean => (e._tag === "Integer" && e.value === 0n) || (e._tag === "Float" && e.value === 0)

const antitangent = (e: Expr, c: Context): Expr => {
  const seen = c.search.memo.get(e)
  if (seen !== undefined) return seen
  const out = written(e, c)
  c.search.memo.set(e, out)
  return out
}

const written = (e: Expr, c: Context): Expr => {
  const w = c.rules.writer
  if (e._tag !== "Op" && e._tag !== "Fn") {
    const alpha = e._tag === "Symbol" && e.name === c.variable ? c.rules.variableAlpha : c.rules.numberAlpha
    if (alpha === undefined) throw new NoRule()
    const body = [e, sym(c.variable)]
    return productOf(w, alpha === 1 ? body : [rationalLeaf(alpha), ...body]) as Expr
  }
  const node = nestBinary(e)
  if (node.args.length === 0) throw new NoRule()
  const alternatives = c.rules.heads.get(c.headRowOf(node, node.args.length === 1 ? 1 : 2)) ?? []
  const u = node.args[0] as Expr
  const v = node.args[1]
  const child = (slot: 0 | 1): Expr => {
    const x = slot === 0 ? u : v
    if (x === undefined) throw new NoRule()
    return x
  }
  const more = (a: Atom): Expr => {
    switch (a.kind) {
      case "variable":
        return sym(c.variable)
      case "antitangent":
        return antitangent(child(a.slot), c)
      case "tangent":
        return tangentOf(child(a.slot), c)
      case "parts":
        return parts(child(a.slot), child(a.slot === 0 ? 1 : 0), c)
      default:
        throw new NoRule()
    }
  }
  for (const terms of alternatives) {
    let built: Expr
    try {
      built = signedSum(w, terms.map((t) => termExpr(w, t, { node, u, v, more }, undefined))) ?? numberLeaf(0)
    } catch (error) {
      if (error instanceof NoRule || error instanceof RangeError) continue
      throw error
    }
    // Inside a parts atom, simplified, the expression is the brain's own writing in shapes its
    // data may never have shown: there every rule is checked, not only a choice between rules.
    if ((alternatives.length === 1 && (c.depth === 0 || c.simplify === undefined)) || c.verify === undefined || verified(node, built, c)) return built
  }
  throw new NoRule()
}

const verified = (node: Expr, candidate: Expr, c: Context): boolean => {
  const key = `${print(node)} ${print(candidate)}`
  const known = c.search.verdicts.get(key)
  if (known !== undefined) return known
  const verdict = (c.verify as Verifier)(node, candidate)
  c.search.verdicts.set(key, verdict)
  return verdict
}

/** A(d(other) · A(integrated)): the parts atom of a node with those children. */
const parts = (integrated: Expr, other: Expr, c: Context): Expr => {
  if (c.depth >= c.limit) {
    c.search.cut = true
    throw new NoRule()
  }
  const d = tangentOf(other, c)
  if (isZero(d)) return numberLeaf(0)
  const inner = productOf(c.rules.writer, [d, antitangent(integrated, c)]) as Expr
  const deeper = { ...c, depth: c.depth + 1 }
  // Simplified first ((1/x)·(x³/3) is x²/3, written (1/3)·x² as an emitted term is, whose
  // antitangent the rules write); as written where that has none.
  const simpler = c.simplify === undefined ? inner : coefficientForm(c.rules.writer, c.simplify(inner))
  if (simpler === inner) return antitangent(inner, deeper)
  try {
    return antitangent(simpler, deeper)
  } catch (error) {
    if (!(error instanceof NoRule || error instanceof RangeError)) throw error
    return antitangent(inner, deeper)
  }
}

const tangentOf = (e: Expr, c: Context): Expr => {
  if (c.tangents === undefined) throw new NoRule()
  const d = emitTangent(e, c.variable, c.tangents, c.headRowOf)
  if (d === undefined) throw new NoRule()
  return d
}

/**
 * An antitangent of e along `variable`, or undefined where a head (or a tangent it needs)
 * has no rule, or none of a head's rules holds (when `verify` is given). Parts atoms are
 * allowed to nest one level deeper at a time (iterative deepening): a rule that recurses
 * without end is cut, and the shallowest antitangent is found first.
 */
export const emitAntitangent = (
  e: Expr,
  variable: string,
  rules: AntiRules,
  tangents: TangentRules | undefined,
  headRowOf: HeadRowOf,
  verify?: Verifier,
  simplify?: (e: Expr) => Expr
): Expr | undefined => deepening((c) => antitangent(e, c), variable, rules, tangents, headRowOf, verify, simplify)

/** The parts atom of a node with children u, v (slot 0: A(dv · A(u)); slot 1: A(du · A(v))) as the rules write it, unsimplified (as the learner reads it), undefined where they cannot. */
export const emitParts = (
  u: Expr,
  v: Expr,
  slot: 0 | 1,
  variable: string,
  rules: AntiRules,
  tangents: TangentRules | undefined,
  headRowOf: HeadRowOf,
  verify?: Verifier
): Expr | undefined => deepening((c) => (slot === 0 ? parts(u, v, c) : parts(v, u, c)), variable, rules, tangents, headRowOf, verify, undefined)

const deepening = (
  write: (c: Context) => Expr,
  variable: string,
  rules: AntiRules,
  tangents: TangentRules | undefined,
  headRowOf: HeadRowOf,
  verify: Verifier | undefined,
  simplify: ((e: Expr) => Expr) | undefined
): Expr | undefined => {
  const search: Search = { memo: new Map(), verdicts: new Map(), cut: false }
  for (let limit = 0; limit <= MAX_PARTS_DEPTH; limit++) {
    search.cut = false
    try {
      return write({ variable, rules, tangents, headRowOf, verify, simplify, depth: 0, limit, search })
    } catch (error) {
      if (!(error instanceof NoRule || error instanceof RangeError)) throw error
      if (!search.cut) return undefined
    }
  }
  return undefined
}
