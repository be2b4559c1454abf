/**
 * Antitangent rules (level 6): an expression whose tangent along the variable is the
 * node. For a node with children u, v a rule is Σ c · monomial of at most two factors
 * (three for a one-argument head)
 * generated from the vocabulary (./factors.ts): the children, the node, the variable x,
 * 1/du and 1/dv (the children's tangents, written by the learned tangent rules of
 * ./emit.ts), A(u) and A(v) (the children's own antitangents, so rules compose bottom-up),
 * 1/(v + 1), and every head the brain can evaluate applied to a child, g(u), g(v), or to
 * u and v + 1, b(u, v + 1). A leaf's rule is α · leaf · x with α per leaf kind (a number,
 * the variable). Which terms a head uses is found by best-subset search (./subset.ts) on
 * the condition that defines an antitangent: the tangent of Σ c · term, by finite
 * differences of the brain's own values, equals the node's value. Nothing here knows what
 * a head means.
 */
import type { Expr } from "../../../domain/Expr.js"
import type { Rng } from "../../../domain/Random.js"
import { canFeaturize, featurize, type FeaturizedBatch } from "../featurize.js"
import { checkTangents } from "../selfCheck.js"
import { arityOf, headRowOrNone, heads as vocabulary } from "../vocabulary.js"
import { constantTable, exactCoefficient, exactValue, rationalize } from "./coefficient.js"
import { emitAntitangent, emitParts, tangentVerifier, type AntiRules } from "./antitangentEmit.js"
import type { HeadRowOf, TangentRules } from "./emit.js"
import { monomialColumns, monomials, type Atom, type Factor, type NodePoint, type RuleTerm } from "./factors.js"
import { finiteHeads, type Evaluator } from "./learn.js"
import { bestSubset, type SubsetFit, type Term } from "./subset.js"
import { exampleOf, levelOf, subtreesByRow } from "./batchRows.js"
import { findWriter } from "./writer.js"

/**
 * The candidate monomials of a head's antitangent rule; a further rule of a two-argument
 * head (learned where its first did not hold) may also use the parts atoms.
 */
const candidateMonomials = (unary: boolean, usable: (h: number) => boolean, further = false): Array<ReadonlyArray<Factor>> => {
  const slots: ReadonlyArray<0 | 1> = unary ? [0] : [0, 1]
  const once = (atom: Atom, power: 1 | -1 = 1): Factor => ({ atom, power })
  const simple: Array<Factor> = [
    ...slots.map((slot) => once({ kind: "child", slot })),
    once({ kind: "node" }),
    once({ kind: "variable" }),
    ...slots.map((slot) => once({ kind: "tangent", slot }, -1)),
    ...slots.map((slot) => once({ kind: "antitangent", slot })),
    ...(unary ? [] : [once({ kind: "shifted", slot: 1, by: 1 }, -1)]),
    ...(unary || !further ? [] : slots.map((slot) => once({ kind: "parts", slot })))
  ]
  const rows = vocabulary.map((_, h) => h).filter(usable)
  const applied: Array<Factor> = [
    ...rows.filter((h) => arityOf(h) === 1).flatMap((head) => slots.map((slot) => once({ kind: "applied", head, slot }))),
    ...(unary ? [] : rows.filter((h) => arityOf(h) === 2).map((head) => once({ kind: "pair", head, by: 1 })))
  ]
  // A one-argument head's rule may take three factors (∫ sqrt u = ⅔ · node · u / du): its
  // candidates are few; a two-argument head's, with twice the atoms, stay at two.
  return unary ? monomials(simple, applied, 3, 3) : monomials(simple, applied, 2, 2)
}

// ---- learning ------------------------------------------------------------------------

const STEP = 1e-3
/** Offsets of the evaluation grid, in steps: the tangents need j ± 2 around j ∈ [−2, 2]. */
const GRID = [-4, -3, -2, -1, 0, 1, 2, 3, 4]
const stencil = (f: (j: number) => number, j: number): number => (-f(j + 2) + 8 * f(j + 1) - 8 * f(j - 1) + f(j - 2)) / (12 * STEP)

export interface AntiProblem {
  readonly expr: Expr
  readonly variable: string
}

/**
 * Learns antitangent rules from the brain's own evaluator, bottom-up: the leaves' α first,
 * then, pass by pass, every head whose nodes' children already have an antitangent.
 */
export const learnAntiRules = (
  given: ReadonlyArray<AntiProblem>,
  evaluate: Evaluator,
  tangents: TangentRules | undefined,
  headRowOf: HeadRowOf,
  rng: Rng,
  known: AntiRules | undefined,
  options: {
    readonly range?: readonly [number, number]
    readonly maxSamples?: number
    readonly points?: number
    readonly usable?: (head: number) => boolean
    /** Also look for nodes of heads with rules where none of them holds, and learn a further rule from those. */
    readonly refit?: boolean
  } = {}
): AntiRules | undefined => {
  const usable = options.usable ?? finiteHeads(evaluate)
  const writer = known?.writer ?? tangents?.writer ?? findWriter(evaluate, usable)
  if (writer === undefined) return known
  const constants = constantTable(evaluate, usable)
  const [lo, hi] = options.range ?? [0.5, 2.5]
  const maxSamples = options.maxSamples ?? 300
  // Each problem at a few points: a head that is rare in a step still gets samples.
  const points = options.points ?? 3
  const problems = given.flatMap((p) => Array.from({ length: points }, () => p))
  const xs = problems.map(() => rng.uniform(lo, hi))
  const at = (j: number) => problems.map((p, k) => ({ expr: p.expr, bindings: [[p.variable, (xs[k] as number) + j * STEP] as const] }))
  const batches = GRID.map((j) => featurize(at(j)))
  const values = batches.map(evaluate)
  const base = batches[4] as FeaturizedBatch
  const valueAt = (row: number, j: number) => (values[j + 4] as Float64Array)[row] as number

  // Which example and subtree every row is, to emit and evaluate the children's antitangents.
  const rowExpr = subtreesByRow(problems.map((p) => p.expr), base)
  let rules: AntiRules = known ?? { heads: new Map(), numberAlpha: undefined, variableAlpha: undefined, writer }

  // Leaves: tangent of α · leaf · x is the leaf's value.
  if (rules.numberAlpha === undefined || rules.variableAlpha === undefined) {
    const symbolRows = new Set(base.symbolLeafRow)
    const fitAlpha = (rows: ReadonlyArray<number>): number | undefined => {
      let sxy = 0
      let sxx = 0
      for (const r of rows.slice(0, maxSamples)) {
        const column = stencil((j) => valueAt(r, j) * ((xs[exampleOf(base, r)] as number) + j * STEP), 0)
        const y = valueAt(r, 0)
        if (!Number.isFinite(column) || !Number.isFinite(y)) continue
        sxy += column * y
        sxx += column * column
      }
      const alpha = sxx > 0 ? rationalize(sxy / sxx, 1e-6) : undefined
      return alpha === undefined ? undefined : alpha.num / alpha.den
    }
    const leaves = Array.from({ length: base.leafCount - 1 }, (_, i) => i + 1)
    rules = {
      ...rules,
      numberAlpha: rules.numberAlpha ?? fitAlpha(leaves.filter((r) => !symbolRows.has(r) && valueAt(r, 0) !== 0)),
      variableAlpha: rules.variableAlpha ?? fitAlpha(leaves.filter((r) => symbolRows.has(r)))
    }
  }

  /** A node with its children's antitangents (and, for a further rule, the parts atoms) where the rules write them. */
  const sampleOf = (row: number, c0: number, c1: number): Sample => {
    const Au = emitAt(rowExpr[c0] as Expr, row)
    const Av = c1 === 0 ? undefined : emitAt(rowExpr[c1] as Expr, row)
    return { row, c0, c1, Au, Av, Pu: undefined, Pv: undefined, known: Au !== undefined && (c1 === 0 || Av !== undefined) }
  }
  /** A sample with its parts atoms, for a further rule. */
  const withParts = (s: Sample): Sample => {
    const [u, v] = [rowExpr[s.c0] as Expr, rowExpr[s.c1] as Expr]
    const partsOf = (slot: 0 | 1) => emitParts(u, v, slot, variableOf(s.row), rules, tangents, headRowOf, tangentVerifier(evaluate, variableOf(s.row), [x0Of(s.row)]))
    return { ...s, Pu: partsOf(0), Pv: partsOf(1) }
  }
  /** Per head, the nodes (of `held`) whose children's antitangents are known where none of its rules holds, by the brain's values at the node's point. */
  const failingNodes = (held: ReadonlyMap<number, ReadonlyArray<number>>): Map<number, Array<Sample>> => {
    const candidates: Array<{ h: number; sample: Sample; A: Expr | undefined }> = []
    for (const [h, rows] of held)
      for (const row of rows) {
        const level = levelOf(base, row)
        const sample = sampleOf(row, level.child0[row - level.start] as number, level.child1[row - level.start] as number)
        if (sample.known) candidates.push({ h, sample, A: emitAt(rowExpr[row] as Expr, row) })
      }
    const checked = candidates.filter((c) => c.A !== undefined && canFeaturize(c.A))
    const verdicts = checkTangents(
      evaluate,
      checked.map(({ sample, A }) => ({ f: A as Expr, g: rowExpr[sample.row] as Expr, describe: "the node", source: "its antitangent", variable: variableOf(sample.row), bindings: [], points: [x0Of(sample.row)], minPoints: 1 }))
    )
    const holds = new Set(checked.filter((_, k) => verdicts[k] === undefined))
    const out = new Map<number, Array<Sample>>()
    for (const c of candidates) {
      if (holds.has(c)) continue
      out.set(c.h, [...(out.get(c.h) ?? []), withParts(c.sample)])
    }
    return out
  }
  /** The variable of the problem a row belongs to. */
  const variableOf = (row: number) => (problems[exampleOf(base, row)] as AntiProblem).variable
  const x0Of = (row: number) => xs[exampleOf(base, row)] as number
  // Where a head has several rules, emission tries each at the sample's own point.
  const emitAt = (e: Expr, row: number) => emitAntitangent(e, variableOf(row), rules, tangents, headRowOf, tangentVerifier(evaluate, variableOf(row), [x0Of(row)]))
  const refitted = new Set<number>()
  for (let pass = 0; pass < 8; pass++) {
    // Every node of a head without a rule, with its children's antitangents where known.
    const nodes = new Map<number, Array<Sample>>()
    // Nodes of heads with rules, to check whether one of them holds there.
    const held = new Map<number, Array<number>>()
    for (const level of base.levels)
      for (let j = 0; j < level.count; j++) {
        const h = level.head[j] as number
        const row = level.start + j
        const ruled = rules.heads.get(h)
        if (ruled !== undefined) {
          if (options.refit !== true || refitted.has(h) || ruled.length >= MAX_RULES || arityOf(h) !== 2) continue
          held.set(h, [...(held.get(h) ?? []), row])
          continue
        }
        const list = nodes.get(h) ?? []
        if (list.length >= maxSamples) continue
        list.push(sampleOf(row, level.child0[j] as number, level.child1[j] as number))
        nodes.set(h, list)
      }
    // A head's nodes are many (every k·x): a random share of them, so that every shape has its chance.
    for (const [h, rows] of held) if (rows.length > maxSamples) held.set(h, rng.shuffle([...rows]).slice(0, maxSamples))
    const failing = failingNodes(held)
    if (nodes.size === 0 && failing.size === 0) break
    // The antitangents a fit reads at the five inner grid points of each sample, by the same evaluator.
    const pending: Array<{ expr: Expr; bindings: ReadonlyArray<readonly [string, number]> }> = []
    const index = new Map<Sample, Map<Expr, number>>()
    for (const list of [...nodes.values(), ...failing.values()])
      for (const s of list) {
        const mine = new Map<Expr, number>()
        for (const e of [s.Au, s.Av, s.Pu, s.Pv])
          if (e !== undefined && !mine.has(e)) {
            mine.set(e, pending.length)
            for (let j = -2; j <= 2; j++) pending.push({ expr: e, bindings: [[variableOf(s.row), x0Of(s.row) + j * STEP]] })
          }
        index.set(s, mine)
      }
    const pendingBatch = pending.length > 0 ? featurize(pending) : undefined
    const pendingValues = pendingBatch === undefined ? new Float64Array(0) : evaluate(pendingBatch)
    const fiveOf = (s: Sample, e: Expr | undefined, absent: number): Array<number> => {
      const at = e === undefined ? undefined : index.get(s)?.get(e)
      if (at === undefined || pendingBatch === undefined) return [absent, absent, absent, absent, absent]
      return Array.from({ length: 5 }, (_, k) => pendingValues[pendingBatch.roots[at + k] as number] as number)
    }
    /** A head's candidate columns (the tangent of every monomial) and targets (the node's value), and its fit. */
    const fitOf = (h: number, list: ReadonlyArray<Sample>, further = false): ReadonlyArray<RuleTerm> | undefined => {
      const ms = candidateMonomials(arityOf(h) === 1, usable, further)
      // Every node at the five inner grid points.
      const grid: Array<NodePoint> = []
      for (const s of list) {
        const Au = fiveOf(s, s.Au, NaN)
        const Av = s.c1 === 0 ? [1, 1, 1, 1, 1] : fiveOf(s, s.Av, NaN)
        const Pu = fiveOf(s, s.Pu, NaN)
        const Pv = fiveOf(s, s.Pv, NaN)
        for (let j = -2; j <= 2; j++)
          grid.push({
            u: valueAt(s.c0, j),
            v: s.c1 === 0 ? 1 : valueAt(s.c1, j),
            node: valueAt(s.row, j),
            x: x0Of(s.row) + j * STEP,
            du: stencil((k) => valueAt(s.c0, k), j),
            dv: s.c1 === 0 ? 0 : stencil((k) => valueAt(s.c1, k), j),
            au: Au[j + 2] as number,
            av: Av[j + 2] as number,
            pu: Pu[j + 2] as number,
            pv: Pv[j + 2] as number
          })
      }
      const width = ms.length
      const columns = new Float64Array(list.length * width)
      monomialColumns(ms, grid, evaluate).forEach((mv, c) => {
        for (let i = 0; i < list.length; i++) {
          const term = (j: number) => mv[5 * i + j + 2] as number
          columns[i * width + c] = (-term(2) + 8 * term(1) - 8 * term(-1) + term(-2)) / (12 * STEP)
        }
      })
      const ys = Float64Array.from(list, (s) => valueAt(s.row, 0))
      const degrees = ms.map((m) => m.length)
      const fitting = { minAgreement: 0.9, tolerance: 1e-4, maxTerms: width > 200 ? 2 : 3, exact: exactValue(constants) }
      const termsOf = (fit: SubsetFit | undefined): ReadonlyArray<RuleTerm> | undefined => {
        if (fit === undefined) return undefined
        const terms: Array<RuleTerm> = []
        for (const t of fit.terms) {
          const coefficient = exactCoefficient(t.coefficient, constants)
          if (coefficient === undefined) return undefined
          terms.push({ slot: 0, factors: ms[t.column] as ReadonlyArray<Factor>, coefficient })
        }
        return terms
      }
      if (!further) return termsOf(bestSubset(columns, ys, width, degrees, fitting))
      // Nodes where a head's rules fail may need different further rules (by parts with the
      // polynomial first or second): a rule is fitted on the nodes whose children have the
      // same heads, and kept if it also reproduces enough of the others.
      const groups = new Map<string, Array<number>>()
      list.forEach((s, i) => {
        const key = `${shapeOf(rowExpr[s.c0] as Expr)} ${shapeOf(rowExpr[s.c1] as Expr)}`
        groups.set(key, [...(groups.get(key) ?? []), i])
      })
      for (const rows of [...groups.values()].sort((a, b) => b.length - a.length)) {
        if (rows.length < MIN_GROUP) break
        const pick = (from: Float64Array, w: number) => Float64Array.from(rows.flatMap((i) => Array.from(from.subarray(i * w, (i + 1) * w))))
        const fit = bestSubset(pick(columns, width), pick(ys, 1), width, degrees, fitting)
        const terms = termsOf(fit)
        if (fit === undefined || terms === undefined) continue
        const value = (terms: ReadonlyArray<Term>, i: number) => terms.reduce((sum, t) => sum + t.coefficient * (columns[i * width + t.column] as number), 0)
        const reproduced = list.filter((_, i) => Math.abs(value(fit.terms, i) - (ys[i] as number)) <= fitting.tolerance * (1 + Math.abs(ys[i] as number))).length
        if (reproduced >= MIN_FAILING) return terms
      }
      return undefined
    }
    /** A head's rule, after the ones it has (tried before it). */
    const learn = (h: number, terms: ReadonlyArray<RuleTerm>) => {
      const heads = new Map(rules.heads)
      heads.set(h, [...(heads.get(h) ?? []), terms])
      rules = { ...rules, heads }
    }
    let learned = 0
    // A further rule from the nodes where none of a head's rules holds (children known);
    // the nodes it does not cover may teach another in the next pass.
    for (const [h, list] of failing) {
      const fit = list.length >= MIN_FAILING ? fitOf(h, list, true) : undefined
      if (fit === undefined) {
        refitted.add(h)
        continue
      }
      learn(h, fit)
      learned++
    }
    // First every node of the head (columns of unknown antitangents drop out): a rule that
    // needs none is learned from the most varied data. Else the nodes whose children are
    // known, once they are half the head's nodes; if no head learns so, from any of them.
    const waiting: Array<number> = []
    for (const [h, list] of nodes) {
      const all = fitOf(h, list)
      if (all !== undefined) {
        learn(h, all)
        learned++
        continue
      }
      const known = list.filter((s) => s.known)
      if (known.length >= 0.5 * list.length) {
        const fit = fitOf(h, known)
        if (fit !== undefined) {
          learn(h, fit)
          learned++
        }
      } else if (known.length >= 8) waiting.push(h)
    }
    if (learned === 0)
      for (const h of waiting) {
        const fit = fitOf(h, (nodes.get(h) ?? []).filter((s) => s.known))
        if (fit !== undefined) {
          learn(h, fit)
          learned++
          break
        }
      }
    if (learned === 0) break
  }
  return rules
}

/** A further rule is learned from at least this many nodes where a head's rules do not hold, and must reproduce as many. */
const MIN_FAILING = 8
/** The least nodes with children of the same heads a further rule is fitted on. */
const MIN_GROUP = 3
/** At most this many rules per head. */
const MAX_RULES = 4

/** A subtree's shape for grouping nodes: its head row, or what kind of leaf it is. */
const shapeOf = (e: Expr): string => (e._tag === "Op" || e._tag === "Fn" ? String(headRowOrNone(e, e.args.length === 1 ? 1 : 2)) : e._tag)

interface Sample {
  readonly row: number
  readonly c0: number
  readonly c1: number
  readonly Au: Expr | undefined
  readonly Av: Expr | undefined
  readonly Pu: Expr | undefined
  readonly Pv: Expr | undefined
  readonly known: boolean
}
