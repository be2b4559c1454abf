/**
 * The brain's learned simplification of its expression answers (issue #15), with no call
 * to the Engine: one short orchestrator over one file per technique.
 *
 *   fold.ts      constant subtrees folded by the brain's own evaluator, kept exact
 *   discover.ts  rewrite rules discovered by enumeration and fuzzing (Ruler-style)
 *   rewrite.ts   the rules applied to a fixpoint (AC heads flat, pair matching)
 *   form.ts      the arrangement of AC arguments chosen by a scorer trained with GED
 *   anatomy.ts   what the scorer reads of an argument: its term or factor, degree, normal form
 *
 * Learning happens at training time (`learn`, from SymbolicHeads.prepareStep) on pairs of
 * the brain's own answers and the training targets; what is learned is saved in the
 * brain's state. Rules read back from a checkpoint are confirmed again by the evaluator
 * before their first use: a rule it cannot confirm is never used.
 */
import { Either } from "effect"
import type { Expr } from "../../../domain/Expr.js"
import { size } from "../../../domain/Expr.js"
import { Rng } from "../../../domain/Random.js"
import { BrainError, type BrainState } from "../../../services/Brain.js"
import { canFeaturize, headRowsOf } from "../featurize.js"
import type { TrustedEvaluator } from "../symbolic/schedule.js"
import { heads } from "../vocabulary.js"
import { arityOf, associativeCommutative, buildTable, confirms, discoverRules, liftable, nodeOf, type TermTable } from "./discover.js"
import { foldConstants, type ExactFold } from "./fold.js"
import { confirmArithmetic, exactValue, faithfulAgrees, toExpr } from "./exact.js"
import { bestChoice, emptyScorer, noAnatomy, orderArgs, present, trainScorer, type Anatomy, type FormScorer } from "./form.js"
import { abstractNode, decodePattern, encodePattern, headKey, isNode, key, match, withArgs, type Pattern } from "./pattern.js"
import { cachedKey, groupNumbers, makeRewriter, type Rule } from "./rewrite.js"
import { makeNormalizer, STYLES, type Style } from "./normal.js"
import { confirmRoles, decodeRoles, discoverExponentials, discoverRoles, encodeRoles, type Roles } from "./roles.js"
import { anatomyOf } from "./anatomy.js"
import { toGraph } from "../../../domain/Graph.js"
import { ged } from "../../../domain/ged/index.js"

export interface Simplifier {
  /** e in its simplest learned form (e itself when nothing is learned yet). */
  readonly simplify: (e: Expr) => Expr
  /** One learning step on the brain's answers and their training targets; true when it made choices by GED. */
  readonly learn: (pairs: ReadonlyArray<{ readonly answer: Expr; readonly target: Expr }>) => boolean
  readonly rules: () => ReadonlyArray<Rule>
  /** e simplified in every presentation style the scorer may choose (tests: each is equivalent). */
  readonly styled: (e: Expr) => ReadonlyArray<Expr>
  /** The roles the evaluator showed the heads to play (./roles.ts), if any. */
  readonly roles: () => Roles | undefined
  readonly associative: () => ReadonlySet<string>
  readonly state: () => BrainState
  readonly loadState: (state: BrainState) => Either.Either<void, BrainError>
}

/** Learning steps: the first few, then one in every LEARN_EVERY. */
const EARLY_STEPS = 8
const LEARN_EVERY = 200
/**
 * Learning steps in all: no more than the choosing steps. Rules found after the choices
 * by GED are made change the answers those choices were scored on, unscored: learning on
 * to 24 steps found 14 more rules and took the L5 test mean GED from 2.30 to 2.55
 * (2000 lines, scratch re-learning at the trainer's cadence); each step also clears the
 * memo of simplified answers that validation reads again.
 */
const MAX_LEARNING = 10
/** Simplified answers remembered (validation asks for the same ones every epoch). */
const MEMO = 50_000
const ROUNDS = 8
/** Pairs (and their answers' size) used per scorer step: GED is the dear part. */
const SCORER_PAIRS = 32
const SCORER_MAX_SIZE = 60
/** Training targets the comparator of argument orders is fitted on (the latest). */
const ORDER_TARGETS = 1024
/** Learning steps whose pairs train the choices by GED (the form's options and the presentation style): all of them. */
const CHOOSING_STEPS = MAX_LEARNING

export const makeSimplifier = (evaluator: TrustedEvaluator): Simplifier => {
  let rules: Array<Rule> = []
  let ac = new Set<string>()
  let acRows: Array<number> = []
  let scorer: FormScorer = emptyScorer()
  const orderTargets: Array<Expr> = []
  let liftPairs: Array<readonly [number, number]> = []
  let lift = new Map<string, Set<string>>()
  let rewrite = makeRewriter({ rules, ac, lift })
  let table: TermTable | undefined
  let tableRows = ""
  const seenRows = new Set<number>()
  const rejected = new Set<string>()
  let steps = 0
  const memo = new Map<string, Expr>()
  let learned = 0
  let unconfirmed = false
  /**
   * The state as last built: the trainer asks for it before every step (to send it to
   * its workers) and it changes only in a learning step or when read back (~0.5 ms a step).
   */
  let saved: BrainState | undefined
  let roles: Roles | undefined
  let normalizer: ReturnType<typeof makeNormalizer> | undefined
  /** Accumulated GED to the targets per presentation style (./normal.ts). */
  let styleLoss = new Float64Array(STYLES.length)
  let anatomy: Anatomy = noAnatomy
  const style = (): Style => STYLES[styleLoss.reduce((best, l, i, all) => (l < (all[best] as number) ? i : best), 0)] as Style

  const trusted = (e: Expr): boolean => canFeaturize(e) && [...headRowsOf(e)].every(evaluator.isLocked)
  const rowKey = (r: number) => headKey(nodeOf(r, []) as never)
  const refresh = () => {
    lift = new Map()
    for (const [u, h] of liftPairs) lift.set(rowKey(h), (lift.get(rowKey(h)) ?? new Set()).add(rowKey(u)))
    rewrite = makeRewriter({ rules, ac, lift })
    memo.clear()
  }

  /** Rules read from a checkpoint: kept only if the evaluator confirms them now. */
  const confirmLoaded = () => {
    if (!unconfirmed) return
    unconfirmed = false
    saved = undefined
    setRoles(roles === undefined ? undefined : confirmRoles(roles, evaluator.evaluate))
    rules = rules.filter((r) => trusted(r.lhs) && trusted(r.rhs) && !rearranges(r) && confirms(r, evaluator.evaluate))
    refresh()
  }

  /** A rule whose sides differ only in the order and nesting of AC arguments: the form's choice, never a rule (it would undo the sort). */
  const rearranges = (r: Rule): boolean => {
    const flat = makeRewriter({ rules: [], ac, lift: new Map() })
    return (isNode(r.lhs) && ac.has(headKey(r.lhs)) && isNode(r.rhs) && headKey(r.rhs) === headKey(r.lhs) && size(r.rhs) >= size(r.lhs)) ||
      cachedKey(flat(r.lhs)) === cachedKey(flat(r.rhs))
  }

  const setRoles = (r: Roles | undefined) => {
    roles = r
    // Exponential-like rows among every one-argument row the evaluator has a locked unit for (none named).
    const unary = r === undefined ? [] : heads.map((_, row) => row).filter((row) => arityOf(row) === 1 && evaluator.isLocked(row))
    anatomy = r === undefined ? noAnatomy : anatomyOf(r)
    exact = undefined
    normalizer = undefined
    if (r === undefined) return
    // The exact arithmetic over the roles, each part only as far as the evaluator confirms it (./exact.ts).
    const arithmetic = confirmArithmetic(r, evaluator.evaluate, Rng.seeded(0xe8ac7))
    exact = (e) => {
      const q = exactValue(arithmetic, e)
      return q === undefined ? undefined : { expr: toExpr(q), agrees: (v) => faithfulAgrees(q, v) }
    }
    const exactNumber = (e: Expr) => {
      const q = exactValue(arithmetic, e)
      return q === undefined ? undefined : toExpr(q)
    }
    normalizer = makeNormalizer(r, discoverExponentials(unary, r, evaluator.evaluate, Rng.seeded(0xe4b0)), exactNumber)
  }
  let exact: ExactFold | undefined
  const foldAll = (es: ReadonlyArray<Expr>): Array<Expr> => foldConstants(es, evaluator.evaluate, trusted, exact)
  /** Each expression stepped to its fixpoint, every step's numbers folded in one batch of the evaluator. */
  const fixpoint = (es: ReadonlyArray<Expr>, step: (e: Expr) => Expr, after: (e: Expr) => Expr = (e) => e): Array<Expr> => {
    const current = [...es]
    let open = current.map((_, i) => i)
    for (let round = 0; round < ROUNDS && open.length > 0; round++) {
      const next = foldAll(open.map((i) => step(current[i] as Expr))).map(after)
      const still: Array<number> = []
      open.forEach((i, k) => {
        if (cachedKey(next[k] as Expr) !== cachedKey(current[i] as Expr)) still.push(i)
        current[i] = next[k] as Expr
      })
      open = still
    }
    return current
  }
  /** The normal form over the discovered algebra (./normal.ts), its numbers folded by the evaluator. */
  const normalForms = (es: ReadonlyArray<Expr>, extract: boolean, common: boolean): Array<Expr> => {
    if (normalizer === undefined || roles === undefined) return [...es]
    const n = normalizer
    const sumKey = headKey(nodeOf(roles.sum, []) as never)
    const order = (sum: Expr): Array<Expr> => orderArgs(scorer, sumKey, (sum as { args: ReadonlyArray<Expr> }).args, anatomy)
    return fixpoint(es, (e) => n.content(n.normalize(e), order as never, extract, common))
  }
  const presentedAll = (ns: ReadonlyArray<Expr>, s: Style): Array<Expr> => {
    const n = normalizer
    if (n === undefined) return [...ns]
    return foldAll(foldAll(ns.map((e) => n.present(e, s))).map((e) => n.present(e, s)))
  }
  /** The discovered rules to a fixpoint, numbers grouped and folded between rounds. */
  const rewriteAll = (es: ReadonlyArray<Expr>): Array<Expr> => fixpoint(es, (e) => groupNumbers(rewrite(e), ac, lift), (e) => rewrite(e))
  const coreAll = (es: ReadonlyArray<Expr>, s: Style = style()): Array<Expr> => rewriteAll(presentedAll(normalForms(es, s.content, s.common), s))
  const core = (e: Expr, s: Style = style()): Expr => coreAll([e], s)[0] as Expr

  const simplify = (e: Expr): Expr => {
    confirmLoaded()
    const k = cachedKey(e)
    const known = memo.get(k)
    if (known !== undefined) return known
    const out = trusted(e) ? present(core(e), ac, scorer, bestChoice(scorer), anatomy) : e
    if (memo.size >= MEMO) memo.clear()
    memo.set(k, out)
    return out
  }

  /** Left-hand sides from the nodes of (simplified) answers: depth-1 and depth-2 patterns, pairs of AC arguments. */
  const harvest = (answers: ReadonlyArray<Expr>): Array<Pattern> => {
    const out = new Map<string, Pattern>()
    const add = (node: Expr) => {
      for (const depth of [1, 2]) {
        const p = abstractNode(node, depth)
        if (p === undefined || !isNode(p) || !trusted(p)) continue
        const k = key(p)
        if (!rejected.has(k) && !out.has(k)) out.set(k, p)
      }
    }
    const visit = (e: Expr): void => {
      if (!isNode(e)) return
      if (e.args.length <= 2) add(e)
      else if (ac.has(headKey(e))) {
        const args = e.args.slice(0, 8)
        for (let i = 0; i < args.length; i++) for (let j = 0; j < args.length; j++) if (i !== j) add(withArgs(e, [args[i] as Expr, args[j] as Expr]))
      }
      e.args.forEach(visit)
    }
    answers.forEach(visit)
    const known = new Set(rules.map((r) => key(r.lhs)))
    return [...out.values()].filter((p) => !known.has(key(p))).slice(0, 400)
  }

  const learn = (pairs: ReadonlyArray<{ readonly answer: Expr; readonly target: Expr }>) => {
    confirmLoaded()
    const usable = pairs.filter((p) => trusted(p.answer) && canFeaturize(p.target))
    if (usable.length === 0) return false
    steps++
    if ((steps > EARLY_STEPS && steps % LEARN_EVERY !== 0) || learned >= MAX_LEARNING) return false
    learned++
    saved = undefined
    const rng = Rng.seeded(0x5e11 + steps)
    for (const p of usable) for (const e of [p.answer, p.target]) for (const r of headRowsOf(e)) if (evaluator.isLocked(r)) seenRows.add(r)
    const rows = [...seenRows].sort((a, b) => a - b)
    if (rows.join(",") !== tableRows) {
      tableRows = rows.join(",")
      table = buildTable(rows, evaluator.evaluate, rng)
      acRows = associativeCommutative(rows, evaluator.evaluate, rng)
      ac = new Set(acRows.map(rowKey))
      liftPairs = liftable(rows, acRows, evaluator.evaluate, rng)
      setRoles(discoverRoles(rows, acRows, evaluator.evaluate, rng))
      rejected.clear()
      refresh()
    }
    const targets = usable.map((p) => p.target)
    const counts = new Map<string, number>()
    const frequency = (p: Pattern): number => {
      const k = key(p)
      let n = counts.get(k)
      if (n !== undefined) return n
      n = 0
      const count = (e: Expr): void => {
        if (match(p, e, new Map())) n!++
        if (isNode(e)) e.args.forEach(count)
      }
      targets.forEach(count)
      counts.set(k, n)
      return n
    }
    for (let pass = 0; pass < 3; pass++) {
      const lhss = harvest(coreAll(usable.map((p) => p.answer)))
      if (lhss.length === 0) break
      // Under an AC head, a rearrangement of the same head is the form's choice (./form.ts), not a rule.
      const found = discoverRules(lhss, table as TermTable, evaluator.evaluate, frequency, rng).filter((r) => !rearranges(r))
      const ruled = new Set(found.map((r) => key(r.lhs)))
      for (const l of lhss) if (!ruled.has(key(l))) rejected.add(key(l))
      if (found.length === 0) break
      rules = [...rules, ...found]
      refresh()
    }
    const cores = coreAll(usable.map((p) => p.answer))
    const sample = usable.map((p, i) => ({ answer: cores[i] as Expr, target: p.target })).filter((p) => cachedKey(p.answer).length < 8 * SCORER_MAX_SIZE)
    // The choices by GED settle in the first learning steps: later ones only count orders.
    const choosing = learned <= CHOOSING_STEPS
    // The comparator is fitted on every target seen in the learning steps (one step's may lack the pairs that tell two features apart).
    orderTargets.push(...usable.map((p) => p.target))
    orderTargets.splice(0, Math.max(0, orderTargets.length - ORDER_TARGETS))
    trainScorer(scorer, sample.slice(0, SCORER_PAIRS), ac, undefined, anatomy, usable.map((p) => p.target), choosing, orderTargets)
    if (normalizer !== undefined && choosing) {
      // The presentation style: each one's GED to the targets, the form at its current best.
      const choice = bestChoice(scorer)
      const some = usable.filter((p) => cachedKey(p.answer).length < 8 * SCORER_MAX_SIZE).slice(0, SCORER_PAIRS)
      const normals = [0, 1, 2, 3].map((k) => normalForms(some.map((p) => p.answer), (k & 1) !== 0, (k & 2) !== 0))
      // Many styles write an answer alike (no negative term, no quotient): each distinct answer's GED is computed once.
      const known = some.map(() => new Map<string, number>())
      const targets = some.map((p) => toGraph(p.target))
      STYLES.forEach((s, i) => {
        const outs = rewriteAll(presentedAll(normals[(s.content ? 1 : 0) + (s.common ? 2 : 0)] as Array<Expr>, s))
        some.forEach((_, k) => {
          const out = present(outs[k] as Expr, ac, scorer, choice, anatomy)
          const seen = known[k] as Map<string, number>
          const key = cachedKey(out)
          const d = seen.get(key) ?? ged(toGraph(out), targets[k] as ReturnType<typeof toGraph>).distance
          seen.set(key, d)
          styleLoss[i] = (styleLoss[i] as number) + d
        })
      })
    }
    memo.clear()
    return choosing
  }

  const encodeText = (s: string) => Array.from(s, (c) => c.charCodeAt(0))
  return {
    simplify,
    learn,
    rules: () => rules,
    styled: (e) => {
      confirmLoaded()
      return trusted(e) ? STYLES.map((s) => present(core(e, s), ac, scorer, bestChoice(scorer), anatomy)) : [e]
    },
    roles: () => {
      confirmLoaded()
      return roles
    },
    associative: () => ac,
    state: () =>
      (saved ??= {
        simplifyRules: rules.flatMap((r) => [...encodePattern(r.lhs), ...encodePattern(r.rhs)]),
        simplifyAC: [...acRows],
        simplifyLift: liftPairs.flat(),
        simplifyRoles: encodeRoles(roles),
        simplifyForm: encodeText(
          JSON.stringify({
            precedence: [...scorer.precedence].map(([h, m]) => [h, [...m]]),
            loss: [...scorer.loss].map(([h, l]) => [h, [...l]]),
            comparator: [...scorer.comparator],
            style: [...styleLoss]
          })
        )
      }),
    loadState: (state) => {
      const flat = state["simplifyRules"] ?? []
      const loaded: Array<Rule> = []
      let at = 0
      while (at < flat.length) {
        const l = decodePattern(flat, at)
        const r = l === undefined ? undefined : decodePattern(flat, l[1])
        if (l === undefined || r === undefined) return Either.left(new BrainError({ reason: "BadState", message: "simplifyRules is malformed" }))
        loaded.push({ lhs: l[0], rhs: r[0] })
        at = r[1]
      }
      const rows = state["simplifyAC"] ?? []
      if (rows.some((r) => !Number.isInteger(r) || heads[r] === undefined || arityOf(r) !== 2)) return Either.left(new BrainError({ reason: "BadState", message: "simplifyAC is malformed" }))
      let form: FormScorer = emptyScorer()
      let styles = new Float64Array(STYLES.length)
      const text = state["simplifyForm"] ?? []
      if (text.length > 0) {
        try {
          const raw = JSON.parse(String.fromCharCode(...text)) as { precedence: Array<[string, Array<[string, number]>]>; loss: Array<[string, Array<number>]>; style?: Array<number>; comparator?: Array<[string, Array<[number, number]>]> }
          if (raw.style !== undefined && raw.style.length === STYLES.length) styles = Float64Array.from(raw.style)
          form = {
            precedence: new Map(raw.precedence.map(([h, m]) => [h, new Map(m)])),
            loss: new Map(raw.loss.map(([h, l]) => [h, Float64Array.from(l)])),
            comparator: new Map(raw.comparator ?? [])
          }
        } catch {
          return Either.left(new BrainError({ reason: "BadState", message: "simplifyForm is malformed" }))
        }
      }
      const lifts = state["simplifyLift"] ?? []
      if (lifts.length % 2 !== 0 || lifts.some((r, i) => !Number.isInteger(r) || heads[r] === undefined || arityOf(r) !== (i % 2 === 0 ? 1 : 2)))
        return Either.left(new BrainError({ reason: "BadState", message: "simplifyLift is malformed" }))
      const claimed = decodeRoles(state["simplifyRoles"] ?? [])
      if (claimed === "malformed" || (claimed !== undefined && [claimed.sum, claimed.product, claimed.power, claimed.difference, claimed.quotient, claimed.negation].some((r) => r >= heads.length)))
        return Either.left(new BrainError({ reason: "BadState", message: "simplifyRoles is malformed" }))
      roles = claimed
      normalizer = undefined
      anatomy = noAnatomy
      styleLoss = styles
      rules = loaded
      acRows = [...rows]
      ac = new Set(acRows.map(rowKey))
      liftPairs = Array.from({ length: lifts.length / 2 }, (_, i) => [lifts[2 * i] as number, lifts[2 * i + 1] as number] as const)
      scorer = form
      unconfirmed = rules.length > 0 || roles !== undefined
      saved = undefined
      refresh()
      return Either.right(undefined)
    }
  }
}
