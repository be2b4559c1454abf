/**
 * The form of an answer: how the arguments of an associative-commutative head are ordered
 * and nested (n-ary, or binary to the left or to the right). A small scorer, trained on
 * the training targets: the order of argument kinds (a number, a symbol, or a head) per
 * head is counted from the targets, and the choice among the candidate conventions is the
 * one whose answers have the least total graph edit distance to the targets under the
 * `[loss]` costs (the seed's GED choosing the brain's output). Only the arrangement of
 * arguments changes, never which arguments: every form is equal to the others.
 */
import type { Expr } from "../../../domain/Expr.js"
import { toGraph } from "../../../domain/Graph.js"
import { defaultGedCosts, ged, type GedCosts } from "../../../domain/ged/index.js"
import { headKey, isNode, isNumberLeaf, withArgs, type Node } from "./pattern.js"

/** Nesting conventions, and orders: by the learned rank, its reverse, or as the rewriter left them. */
export const NESTINGS = ["flat", "left", "right"] as const
export const ORDERS = ["rank", "reverse", "keep"] as const
export const OPTIONS = NESTINGS.length * ORDERS.length

export interface FormScorer {
  /** Precedence counts per head: "kind>kind" → times the first came before the second in targets. */
  readonly precedence: Map<string, Map<string, number>>
  /** Accumulated GED per head key and option (nesting × order). */
  readonly loss: Map<string, Float64Array>
}

export const emptyScorer = (): FormScorer => ({ precedence: new Map(), loss: new Map() })

const kindOf = (e: Expr): string => (isNumberLeaf(e) ? "#" : e._tag === "Symbol" ? "$" : headKey(e as Node))

const flatArgs = (e: Node, ac: ReadonlySet<string>): Array<Expr> =>
  e.args.flatMap((a) => (isNode(a) && a._tag === e._tag && headKey(a) === headKey(e) && ac.has(headKey(e)) ? flatArgs(a, ac) : [a]))

/** Counts, in the targets, which kind of argument comes first under each AC head. */
export const countPrecedence = (scorer: FormScorer, targets: ReadonlyArray<Expr>, ac: ReadonlySet<string>): void => {
  const visit = (e: Expr): void => {
    if (!isNode(e)) return
    if (ac.has(headKey(e))) {
      const args = flatArgs(e, ac)
      const counts = scorer.precedence.get(headKey(e)) ?? new Map<string, number>()
      for (let i = 0; i < args.length; i++)
        for (let j = i + 1; j < args.length; j++) {
          const k = `${kindOf(args[i] as Expr)}>${kindOf(args[j] as Expr)}`
          counts.set(k, (counts.get(k) ?? 0) + 1)
        }
      scorer.precedence.set(headKey(e), counts)
      args.forEach(visit)
    } else e.args.forEach(visit)
  }
  targets.forEach(visit)
}

/** A kind's rank under a head: how often it came before another kind minus after. */
const rank = (scorer: FormScorer, head: string, kind: string): number => {
  let r = 0
  for (const [k, n] of scorer.precedence.get(head) ?? []) {
    const [a, b] = k.split(">")
    if (a === b) continue
    if (a === kind) r += n
    if (b === kind) r -= n
  }
  return r
}

/** The choice per head: an option index (nesting × order), or the best accumulated one. */
export type Choice = (head: string) => number

export const bestChoice = (scorer: FormScorer): Choice => (head) => {
  const l = scorer.loss.get(head)
  if (l === undefined) return 0
  let best = 0
  for (let i = 1; i < l.length; i++) if ((l[i] as number) < (l[best] as number)) best = i
  return best
}

/** An expression (AC heads flat, as the rewriter leaves them) in the chosen form. */
export const present = (e: Expr, ac: ReadonlySet<string>, scorer: FormScorer, choice: Choice): Expr => {
  if (!isNode(e)) return e
  const args = e.args.map((a) => present(a, ac, scorer, choice))
  const head = headKey(e)
  if (!ac.has(head) || args.length < 2) return withArgs(e, args)
  const option = choice(head)
  const order = ORDERS[option % ORDERS.length]
  const nesting = NESTINGS[Math.floor(option / ORDERS.length)]
  const counts = scorer.precedence.get(head)
  // Kinds seen in this order and the other: their counts decide; otherwise their overall ranks.
  const before = (x: { k: string; r: number }, y: { k: string; r: number }): number => {
    const xy = counts?.get(`${x.k}>${y.k}`) ?? 0
    const yx = counts?.get(`${y.k}>${x.k}`) ?? 0
    return xy + yx > 0 ? yx - xy : y.r - x.r
  }
  const ranked = order === "keep" ? args : args.map((a, i) => ({ a, i, k: kindOf(a), r: rank(scorer, head, kindOf(a)) }))
    .sort((x, y) => (order === "rank" ? before(x, y) : -before(x, y)) || x.i - y.i).map((x) => x.a)
  if (nesting === "flat" || ranked.length === 2) return withArgs(e, ranked)
  if (nesting === "left") return ranked.slice(1).reduce((acc, a) => withArgs(e, [acc, a]), ranked[0] as Expr)
  return ranked.slice(0, -1).reduceRight((acc, a) => withArgs(e, [a, acc]), ranked[ranked.length - 1] as Expr)
}

const headsIn = (e: Expr, ac: ReadonlySet<string>, into: Set<string>): Set<string> => {
  if (isNode(e)) {
    if (ac.has(headKey(e)) && e.args.length >= 2) into.add(headKey(e))
    for (const a of e.args) headsIn(a, ac, into)
  }
  return into
}

/**
 * One training step of the scorer: precedence counted from the targets, then for each AC
 * head, each option's total GED to the targets (the other heads at their current best)
 * added to its accumulated loss.
 */
export const trainScorer = (
  scorer: FormScorer,
  pairs: ReadonlyArray<{ readonly answer: Expr; readonly target: Expr }>,
  ac: ReadonlySet<string>,
  costs: GedCosts = defaultGedCosts
): void => {
  countPrecedence(scorer, pairs.map((p) => p.target), ac)
  const current = bestChoice(scorer)
  const targets = pairs.map((p) => toGraph(p.target))
  const seen = new Set<string>()
  for (const p of pairs) headsIn(p.answer, ac, seen)
  for (const head of seen) {
    const l = scorer.loss.get(head) ?? new Float64Array(OPTIONS)
    for (let option = 0; option < OPTIONS; option++) {
      const choice: Choice = (h) => (h === head ? option : current(h))
      pairs.forEach((p, i) => {
        l[option] = (l[option] as number) + ged(toGraph(present(p.answer, ac, scorer, choice)), targets[i] as ReturnType<typeof toGraph>, costs).distance
      })
    }
    scorer.loss.set(head, l)
  }
}
