/**
 * Rewriting to a fixpoint with discovered rules (./discover.ts). Heads found associative
 * and commutative by the evaluator are kept flat (n-ary) and sorted by a structural key,
 * a rule whose left side is such a head is tried on every ordered pair of its arguments
 * (AC matching of two-argument patterns), and their number arguments are grouped so that
 * the evaluator can fold them (./fold.ts). Every rule is either smaller on its right side
 * or, at equal size, the form the training targets use more often: rewriting terminates
 * (a budget guards it anyway). A one-argument head that commutes with an AC head (unary
 * minus with a product, as the evaluator finds) is moved out of its arguments, and into a
 * number argument when there is one, where it folds.
 */
import type { Expr } from "../../../domain/Expr.js"
import { size } from "../../../domain/Expr.js"
import { headKey, instantiate, isNode, isNumberLeaf, key, match, withArgs, type Node, type Pattern } from "./pattern.js"

export interface Rule {
  readonly lhs: Pattern
  readonly rhs: Pattern
}

export interface RuleBook {
  readonly rules: ReadonlyArray<Rule>
  /** Head keys the evaluator showed associative and commutative. */
  readonly ac: ReadonlySet<string>
  /** Per AC head key, the one-argument heads u with (h a (u b)) = (u (h a b)) (./discover.ts liftable). */
  readonly lift: ReadonlyMap<string, ReadonlySet<string>>
}

const liftsOver = (lift: RuleBook["lift"], e: Expr, h: string): boolean =>
  isNode(e) && e.args.length === 1 && lift.get(h)?.has(headKey(e)) === true

/** Rule applications allowed per expression. */
const BUDGET = 1000
/** AC nodes with more arguments than this are not pair-matched (cost grows as n²). */
const MAX_PAIR_ARGS = 16

export const indexRules = (rules: ReadonlyArray<Rule>): Map<string, Array<Rule>> => {
  const byHead = new Map<string, Array<Rule>>()
  for (const r of rules) {
    if (!isNode(r.lhs)) continue
    const k = headKey(r.lhs)
    const list = byHead.get(k) ?? []
    list.push(r)
    byHead.set(k, list)
  }
  return byHead
}

const keys = new WeakMap<Expr, string>()
/** key(e), memoised per node (children's keys reused: linear in the tree, not quadratic). */
export const cachedKey = (e: Expr): string => {
  let k = keys.get(e)
  if (k === undefined) keys.set(e, (k = isNode(e) ? `(${headKey(e)} ${e.args.map(cachedKey).join(" ")})` : key(e)))
  return k
}

/** One argument's first level of a match: a head the same head, an integer literal the same integer. */
const quickArg = (a: Expr, b: Expr): boolean => {
  if (isNode(a)) return isNode(b) && headKey(a) === headKey(b)
  return a._tag !== "Integer" || (b._tag === "Integer" && b.value === a.value)
}

/** The first level of a match (heads and literal leaves of the arguments), before binding anything. */
const quickMatch = (p: Node, e: Node): boolean => {
  if (p._tag !== e._tag || p.args.length !== e.args.length) return false
  for (let i = 0; i < p.args.length; i++) if (!quickArg(p.args[i] as Expr, e.args[i] as Expr)) return false
  return true
}

const sameHead = (a: Expr, b: Node): boolean => isNode(a) && a._tag === b._tag && headKey(a) === headKey(b)

/** A rewriter for a rule book: flattening, pair matching and rules, bottom-up to a fixpoint. */
export const makeRewriter = (book: RuleBook) => {
  const byHead = indexRules(book.rules)
  // Per AC head, the left sides a pair of its arguments can match (two arguments, the same head).
  const pairSides = new Map<string, Array<Node>>()
  for (const [head, rules] of byHead) pairSides.set(head, rules.map((r) => r.lhs as Node).filter((l) => l.args.length === 2))
  let fuel = BUDGET

  const tryRules = (candidate: Expr): Expr | undefined => {
    if (!isNode(candidate)) return undefined
    for (const r of byHead.get(headKey(candidate)) ?? []) {
      if (!quickMatch(r.lhs as Node, candidate)) continue
      const binding = new Map<string, Expr>()
      if (match(r.lhs, candidate, binding)) return instantiate(r.rhs, binding)
    }
    return undefined
  }

  const rebuild = (node: Node, args: ReadonlyArray<Expr>): Expr => (args.length === 1 ? (args[0] as Expr) : withArgs(node, args))

  const top = (node: Expr): Expr => {
    if (!isNode(node) || fuel <= 0) return node
    if (book.ac.has(headKey(node)) && node.args.length >= 2) {
      const flat: Array<Expr> = []
      for (const a of node.args) if (sameHead(a, node)) flat.push(...(a as Node).args)
      else flat.push(a)
      // A one-argument head that commutes with this one moves out of its arguments.
      const lifted = flat.findIndex((a) => liftsOver(book.lift, a, headKey(node)))
      if (lifted >= 0) {
        const u = flat[lifted] as Node
        fuel--
        const inner = top(withArgs(node, flat.map((a, k) => (k === lifted ? (u.args[0] as Expr) : a))))
        return top(withArgs(u, [inner]))
      }
      flat.sort((a, b) => (cachedKey(a) < cachedKey(b) ? -1 : cachedKey(a) > cachedKey(b) ? 1 : 0))
      // A pair is built only where some rule's first level matches it (most pairs: none).
      const pairRules = (pairSides.get(headKey(node)) ?? []).filter((l) => l._tag === node._tag)
      const mayMatch = (a: Expr, b: Expr): boolean => pairRules.some((l) => quickArg(l.args[0] as Expr, a) && quickArg(l.args[1] as Expr, b))
      if (flat.length <= MAX_PAIR_ARGS && pairRules.length > 0)
        for (let i = 0; i < flat.length; i++)
          for (let j = 0; j < flat.length; j++) {
            if (i === j || !mayMatch(flat[i] as Expr, flat[j] as Expr)) continue
            const pair = withArgs(node, [flat[i] as Expr, flat[j] as Expr])
            const r = tryRules(pair)
            // Under an AC head a rearrangement of the same head is the form's business (./form.ts), not a rule's.
            if (r === undefined || (sameHead(r, node) && size(r) >= size(pair))) continue
            fuel--
            const rest = flat.filter((_, k) => k !== i && k !== j)
            return top(rebuild(node, [...rest, norm(r)]))
          }
      return withArgs(node, flat)
    }
    const r = tryRules(node)
    if (r === undefined) return node
    fuel--
    return norm(r)
  }

  // Expressions this rewriter already returned as normal (immutable trees: a normal form stays one).
  const normal = new WeakSet<Expr>()
  const norm = (e: Expr): Expr => {
    if (!isNode(e) || normal.has(e)) return e
    let changed = false
    const args = e.args.map((a) => {
      const b = norm(a)
      if (b !== a) changed = true
      return b
    })
    const result = top(changed ? withArgs(e, args) : e)
    if (fuel > 0) normal.add(result)
    return result
  }

  return (e: Expr): Expr => {
    fuel = BUDGET
    return norm(e)
  }
}

/**
 * AC nodes with two or more number arguments get them grouped as one first argument
 * `(h n₁ n₂ …)`, a symbol-free subtree the evaluator folds.
 */
export const groupNumbers = (e: Expr, ac: ReadonlySet<string>, lift: RuleBook["lift"] = new Map()): Expr => {
  if (!isNode(e)) return e
  const args = e.args.map((a) => groupNumbers(a, ac, lift))
  // (u (h n …)) with u liftable over h: u moves into the number, where it folds.
  const inner = args[0] as Expr
  if (args.length === 1 && isNode(inner) && liftsOver(lift, e, headKey(inner)) && ac.has(headKey(inner))) {
    const n = inner.args.findIndex(isNumberLeaf)
    if (n >= 0) return withArgs(inner, inner.args.map((a, k) => (k === n ? withArgs(e, [a]) : a)))
  }
  if (ac.has(headKey(e))) {
    const numbers = args.filter(isNumberLeaf)
    if (numbers.length >= 2) {
      const rest = args.filter((a) => !isNumberLeaf(a))
      const grouped = withArgs(e, numbers)
      return rest.length === 0 ? grouped : withArgs(e, [grouped, ...rest])
    }
  }
  return withArgs(e, args)
}

export const smaller = (a: Expr, b: Expr): boolean => size(a) < size(b)
