/**
 * The form of an answer: how the arguments of an associative-commutative head are ordered
 * and nested (n-ary, or binary to the left or to the right). A small scorer, trained on
 * the training targets: the order of argument kinds (a number, a symbol, or a head) per
 * head is counted from the targets; a comparator (a decision list over a few generic
 * features of an argument: a number or not, its degree, its kind's rank, its text) is
 * fitted to the orders the targets show; and the choice among the candidate conventions
 * is the one whose answers have the least total graph edit distance to the targets under
 * the `[loss]` costs (the seed's GED choosing the brain's output). Only the arrangement
 * of arguments changes, never which arguments: every form is equal to the others.
 */
import type { Expr } from "../../../domain/Expr.js"
import { toGraph } from "../../../domain/Graph.js"
import { defaultGedCosts, ged, type GedCosts } from "../../../domain/ged/index.js"
import { headKey, isNode, isNumberLeaf, withArgs, type Node } from "./pattern.js"
import { cachedKey } from "./rewrite.js"

/** Nesting conventions, and orders: by the learned rank, its reverse, as the rewriter left them, or by the fitted comparator. */
export const NESTINGS = ["flat", "left", "right"] as const
export const ORDERS = ["rank", "reverse", "keep", "learned"] as const
export const OPTIONS = NESTINGS.length * ORDERS.length

export interface FormScorer {
  /** Precedence counts per head: "kind>kind" → times the first came before the second in targets. */
  readonly precedence: Map<string, Map<string, number>>
  /** Accumulated GED per head key and option (nesting × order). */
  readonly loss: Map<string, Float64Array>
  /** Per head, the fitted comparator: (feature, direction) pairs compared in turn. */
  readonly comparator: Map<string, Array<[number, number]>>
}

export const emptyScorer = (): FormScorer => ({ precedence: new Map(), loss: new Map(), comparator: new Map() })

/**
 * What an argument of an AC head is made of, from the algebra the evaluator showed
 * (./roles.ts): the argument without its number coefficient (a term of a sum) or its
 * power (a factor of a product), and its degree in the symbols, an atom that is neither
 * a symbol nor a number counting `other`.
 */
export interface Anatomy {
  readonly strip: (head: string, e: Expr) => Expr
  readonly degree: (e: Expr, other: number) => number
  /** An argument's normal form (./normal.ts) without its coefficient or number power: differences and quotients read as the sums and products they are. */
  readonly normalCore: (head: string, e: Expr) => Expr
}
export const noAnatomy: Anatomy = { strip: (_, e) => e, degree: () => 0, normalCore: (_, e) => e }

const plainKind = (e: Expr): string => (isNumberLeaf(e) ? "#" : e._tag === "Symbol" ? "$" : headKey(e as Node))
/** An argument's kind: of its normal form (a difference is a sum's kind), without its coefficient or power. */
const kindOf = (anatomy: Anatomy, head: string, e: Expr): string => plainKind(anatomy.normalCore(head, e))

const flatArgs = (e: Node, ac: ReadonlySet<string>): Array<Expr> =>
  e.args.flatMap((a) => (isNode(a) && a._tag === e._tag && headKey(a) === headKey(e) && ac.has(headKey(e)) ? flatArgs(a, ac) : [a]))

/** Counts, in the targets, which kind of argument comes first under each AC head. */
export const countPrecedence = (scorer: FormScorer, targets: ReadonlyArray<Expr>, ac: ReadonlySet<string>, anatomy: Anatomy = noAnatomy): void => {
  const visit = (e: Expr): void => {
    if (!isNode(e)) return
    if (ac.has(headKey(e))) {
      const head = headKey(e)
      const args = flatArgs(e, ac)
      const counts = scorer.precedence.get(head) ?? new Map<string, number>()
      const kinds = args.map((a) => kindOf(anatomy, head, a))
      for (let i = 0; i < args.length; i++)
        for (let j = i + 1; j < args.length; j++) {
          const k = `${kinds[i]}>${kinds[j]}`
          counts.set(k, (counts.get(k) ?? 0) + 1)
        }
      scorer.precedence.set(head, counts)
      args.forEach(visit)
    } else e.args.forEach(visit)
  }
  targets.forEach(visit)
  ranks.delete(scorer)
}

/** Each kind's rank per head, from the counts (read for every argument of every answer; cleared when they change). */
const ranks = new WeakMap<FormScorer, Map<string, Map<string, number>>>()

/** A kind's rank under a head: how often it came before another kind minus after. */
const rank = (scorer: FormScorer, head: string, kind: string): number => {
  let byHead = ranks.get(scorer)
  if (byHead === undefined) ranks.set(scorer, (byHead = new Map()))
  let table = byHead.get(head)
  if (table === undefined) {
    table = new Map<string, number>()
    for (const [k, n] of scorer.precedence.get(head) ?? []) {
      const [a, b] = k.split(">") as [string, string]
      if (a === b) continue
      table.set(a, (table.get(a) ?? 0) + n)
      table.set(b, (table.get(b) ?? 0) - n)
    }
    byHead.set(head, table)
  }
  return table.get(kind) ?? 0
}

/**
 * An argument's features: number or not, degree (other atoms 0, ½, 1), its kind's rank,
 * its text, its normal form's text. The last is tried before the text, which it refines: a
 * target's order follows the normal form's (a difference is a sum there); text orders the
 * rest. Saved comparators name features by index: a new one goes at the end.
 */
type Features = [number, number, number, number, number, string, string]
const FEATURES = 7
const FITTING_ORDER = [0, 1, 2, 3, 4, 6, 5]
const featuresOf = (scorer: FormScorer, head: string, e: Expr, anatomy: Anatomy): Features => {
  const core = anatomy.strip(head, e)
  return [
    isNumberLeaf(e) ? 1 : 0,
    anatomy.degree(core, 0),
    anatomy.degree(core, 0.5),
    anatomy.degree(core, 1),
    rank(scorer, head, kindOf(anatomy, head, e)),
    cachedKey(core),
    cachedKey(anatomy.normalCore(head, e))
  ]
}
const compareFeature = (x: Features, y: Features, f: number): number => {
  const a = x[f] as number | string
  const b = y[f] as number | string
  return a < b ? -1 : a > b ? 1 : 0
}
const compareBy = (list: ReadonlyArray<[number, number]>, x: Features, y: Features): number => {
  for (const [f, d] of list) {
    const c = compareFeature(x, y, f)
    if (c !== 0) return d * c
  }
  return 0
}

/** Pairs a decision list orders as the targets do, minus those it orders the other way. */
const agreement = (list: ReadonlyArray<[number, number]>, pairs: ReadonlyArray<[Features, Features]>): number => {
  let score = 0
  for (const [x, y] of pairs) score -= compareBy(list, x, y)
  return score
}

/** A decision list extended greedily: the (feature, direction) that orders the most still-tied pairs as the targets do. */
const greedyFrom = (start: ReadonlyArray<[number, number]>, pairs: ReadonlyArray<[Features, Features]>): Array<[number, number]> => {
  const chosen = [...start]
  let open = pairs.filter(([x, y]) => compareBy(chosen, x, y) === 0)
  while (chosen.length < FEATURES && open.length > 0) {
    let best: [number, number] | undefined
    let bestScore = 0
    for (const f of FITTING_ORDER)
      for (const d of [1, -1]) {
        if (chosen.some(([g]) => g === f)) continue
        let score = 0
        for (const [x, y] of open) score -= d * compareFeature(x, y, f)
        if (score > bestScore) [best, bestScore] = [[f, d], score]
      }
    if (best === undefined) break
    chosen.push(best)
    open = open.filter(([x, y]) => compareBy(chosen, x, y) === 0)
  }
  return chosen
}

/**
 * Fits each AC head's comparator to the targets' orders: a decision list over the
 * features, each (feature, direction) tried first and the rest added greedily, the list
 * that orders the most pairs of arguments as the targets do kept. (Greedy alone put the
 * degree first, under which a number comes before 1/x: "numbers last" orders fewer pairs
 * but none wrong.)
 */
export const fitComparator = (scorer: FormScorer, targets: ReadonlyArray<Expr>, ac: ReadonlySet<string>, anatomy: Anatomy): void => {
  const pairs = new Map<string, Array<[Features, Features]>>()
  const visit = (e: Expr): void => {
    if (!isNode(e)) return
    const head = headKey(e)
    if (!ac.has(head)) return e.args.forEach(visit)
    const args = flatArgs(e, ac)
    const fs = args.map((a) => featuresOf(scorer, head, a, anatomy))
    const list = pairs.get(head) ?? []
    for (let i = 0; i < args.length; i++) for (let j = i + 1; j < args.length; j++) list.push([fs[i] as Features, fs[j] as Features])
    pairs.set(head, list)
    args.forEach(visit)
  }
  targets.forEach(visit)
  for (const [head, list] of pairs) {
    // Each (feature, direction) first, the rest greedily: the list that orders the most pairs as the targets do.
    let chosen = greedyFrom([], list)
    let best = agreement(chosen, list)
    for (const f of FITTING_ORDER)
      for (const d of [1, -1]) {
        const candidate = greedyFrom([[f, d]], list)
        const score = agreement(candidate, list)
        if (score > best) [chosen, best] = [candidate, score]
      }
    scorer.comparator.set(head, chosen)
  }
}

/** Arguments of an AC head in the fitted comparator's order (stable). */
export const orderArgs = (scorer: FormScorer, head: string, args: ReadonlyArray<Expr>, anatomy: Anatomy): Array<Expr> => {
  const list = scorer.comparator.get(head) ?? []
  if (list.length === 0) return [...args]
  return args.map((a, i) => ({ a, i, f: featuresOf(scorer, head, a, anatomy) })).sort((x, y) => compareBy(list, x.f, y.f) || x.i - y.i).map((x) => x.a)
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
export const present = (e: Expr, ac: ReadonlySet<string>, scorer: FormScorer, choice: Choice, anatomy: Anatomy = noAnatomy): Expr => {
  if (!isNode(e)) return e
  const args = e.args.map((a) => present(a, ac, scorer, choice, anatomy))
  const head = headKey(e)
  if (!ac.has(head) || args.length < 2) return withArgs(e, args)
  const option = choice(head)
  const order = ORDERS[option % ORDERS.length]
  const nesting = NESTINGS[Math.floor(option / ORDERS.length)]
  const counts = scorer.precedence.get(head)
  const kindOfArg = (a: Expr) => kindOf(anatomy, head, a)
  // Kinds seen in this order and the other: their counts decide; otherwise their overall ranks.
  const before = (x: { k: string; r: number }, y: { k: string; r: number }): number => {
    const xy = counts?.get(`${x.k}>${y.k}`) ?? 0
    const yx = counts?.get(`${y.k}>${x.k}`) ?? 0
    return xy + yx > 0 ? yx - xy : y.r - x.r
  }
  let ranked: Array<Expr>
  if (order === "keep") ranked = args
  else if (order === "learned") ranked = orderArgs(scorer, head, args, anatomy)
  else {
    // Arguments of the same kind: in the fitted comparator's order, not as they came.
    const list = scorer.comparator.get(head) ?? []
    ranked = args.map((a, i) => {
      const k = kindOfArg(a)
      return { a, i, k, r: rank(scorer, head, k), f: featuresOf(scorer, head, a, anatomy) }
    })
      .sort((x, y) => (order === "rank" ? before(x, y) : -before(x, y)) || compareBy(list, x.f, y.f) || x.i - y.i).map((x) => x.a)
  }
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
 * One training step of the scorer: precedence counted and the comparator fitted on the
 * targets, then for each AC head, each option's total GED to the targets (the other heads
 * at their current best) added to its accumulated loss.
 */
export const trainScorer = (
  scorer: FormScorer,
  pairs: ReadonlyArray<{ readonly answer: Expr; readonly target: Expr }>,
  ac: ReadonlySet<string>,
  costs: GedCosts = defaultGedCosts,
  anatomy: Anatomy = noAnatomy,
  fitTargets: ReadonlyArray<Expr> = pairs.map((p) => p.target),
  withGed = true,
  orderTargets: ReadonlyArray<Expr> = fitTargets
): void => {
  countPrecedence(scorer, fitTargets, ac, anatomy)
  fitComparator(scorer, orderTargets, ac, anatomy)
  if (!withGed) return
  const current = bestChoice(scorer)
  const targets = pairs.map((p) => toGraph(p.target))
  const seen = new Set<string>()
  for (const p of pairs) headsIn(p.answer, ac, seen)
  for (const head of seen) {
    const l = scorer.loss.get(head) ?? new Float64Array(OPTIONS)
    // Options often arrange an answer alike (two arguments nest one way only): each distinct form's GED once.
    const known = pairs.map(() => new Map<string, number>())
    for (let option = 0; option < OPTIONS; option++) {
      const choice: Choice = (h) => (h === head ? option : current(h))
      pairs.forEach((p, i) => {
        const out = present(p.answer, ac, scorer, choice, anatomy)
        const seenForms = known[i] as Map<string, number>
        const k = cachedKey(out)
        const d = seenForms.get(k) ?? ged(toGraph(out), targets[i] as ReturnType<typeof toGraph>, costs).distance
        seenForms.set(k, d)
        l[option] = (l[option] as number) + d
      })
    }
    scorer.loss.set(head, l)
  }
}
