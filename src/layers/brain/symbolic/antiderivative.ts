/**
 * Antitangent rules (level 6): an expression whose tangent along the variable is the
 * node. For a node with children u, v a rule is Σ c · monomial over one generic factor
 * set, the same for every head:
 *
 *   u, v, node, 1/du, 1/dv, A(u), A(v), sin u, cos u, ln v, 1/(v + 1), u^(v + 1), x
 *
 * (du: the child's tangent, written by the learned tangent rules of ./emit.ts; A(u): the
 * child's own antitangent, so rules compose bottom-up; x: the variable). A leaf's rule is
 * α · leaf · x with α per leaf kind (a number, the variable). Monomials have at most two
 * factors. Which terms a head uses is found by best-subset search (./subset.ts) on the
 * condition that defines an antitangent: the tangent of Σ c · term, by finite differences
 * of the brain's own values, equals the node's value. Nothing here knows what a head means.
 */
import type { Expr } from "../../../domain/Expr.js"
import { fn, op, sym } from "../../../domain/Expr.js"
import type { Rng } from "../../../domain/Random.js"
import { featurize, type FeaturizedBatch } from "../featurize.js"
import { binaryFold, emitTangent, numberExpr, signedSum, type HeadRowOf, type TangentRules } from "./emit.js"
import type { Evaluator } from "./learn.js"
import { bestSubset, type Term } from "./subset.js"

export const ANTI_FACTORS = ["u", "v", "node", "1/du", "1/dv", "A(u)", "A(v)", "sin u", "cos u", "ln v", "1/(v+1)", "u^(v+1)", "x"] as const

/** Every multiset of 0–2 factors: index 0 is the empty product 1. */
export const ANTI_MONOMIALS: ReadonlyArray<ReadonlyArray<number>> = (() => {
  const out: Array<Array<number>> = [[]]
  const n = ANTI_FACTORS.length
  for (let i = 0; i < n; i++) out.push([i])
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push([i, j])
  return out
})()
const DEGREES = ANTI_MONOMIALS.map((m) => m.length)

export interface AntiRules {
  readonly heads: ReadonlyMap<number, ReadonlyArray<Term>>
  /** α of a number leaf and of the variable's leaf (undefined until learned). */
  readonly numberAlpha: number | undefined
  readonly variableAlpha: number | undefined
}

const half = numberExpr

class NoRule extends Error {}

/** The two arguments of e as featurize folds it (n-ary nodes become nested binary ones). */
const binaryArgs = (e: Extract<Expr, { _tag: "Op" | "Fn" }>): ReadonlyArray<Expr> => (binaryFold(e) as Extract<Expr, { _tag: "Op" | "Fn" }>).args

interface Context {
  readonly variable: string
  readonly rules: AntiRules
  readonly tangents: TangentRules | undefined
  readonly headRowOf: HeadRowOf
}

/** The factor f of a node as an expression (A(·) recursively). */
const factorExpr = (f: number, node: Expr, u: Expr, v: Expr | undefined, c: Context): Expr => {
  const one = half(1)
  const tangentOf = (e: Expr) => {
    if (c.tangents === undefined) throw new NoRule()
    const d = emitTangent(e, c.variable, c.tangents, c.headRowOf)
    if (d === undefined) throw new NoRule()
    return d
  }
  switch (ANTI_FACTORS[f]) {
    case "u":
      return u
    case "v":
      return v ?? one
    case "node":
      return node
    case "1/du":
      return op("/", one, tangentOf(u))
    case "1/dv":
      return op("/", one, v === undefined ? half(0) : tangentOf(v))
    case "A(u)":
      return antitangent(u, c)
    case "A(v)":
      return antitangent(v ?? one, c)
    case "sin u":
      return fn("sin", u)
    case "cos u":
      return fn("cos", u)
    case "ln v":
      return fn("ln", v ?? one)
    case "1/(v+1)":
      return op("/", one, op("+", v ?? one, one))
    case "u^(v+1)":
      return op("^", u, op("+", v ?? one, one))
    default:
      return sym(c.variable)
  }
}

const antitangent = (e: Expr, c: Context): Expr => {
  if (e._tag !== "Op" && e._tag !== "Fn") {
    const alpha = e._tag === "Symbol" && e.name === c.variable ? c.rules.variableAlpha : c.rules.numberAlpha
    if (alpha === undefined) throw new NoRule()
    return alpha === 1 ? op("*", e, sym(c.variable)) : op("*", half(alpha), e, sym(c.variable))
  }
  const args = binaryArgs(e)
  if (args.length === 0) throw new NoRule()
  const node = args.length === e.args.length ? e : ((e._tag === "Op" ? op(e.op, ...args) : fn(e.fn, ...args)) as Extract<Expr, { _tag: "Op" | "Fn" }>)
  const terms = c.rules.heads.get(c.headRowOf(node as Extract<Expr, { _tag: "Op" | "Fn" }>, args.length === 1 ? 1 : 2))
  if (terms === undefined) throw new NoRule()
  const u = args[0] as Expr
  const v = args[1]
  const built = terms.map((t) => {
    const factors = (ANTI_MONOMIALS[t.column] ?? []).map((f) => factorExpr(f, node, u, v, c))
    const magnitude = Math.abs(t.coefficient)
    const parts = magnitude === 1 ? factors : [half(magnitude), ...factors]
    const body = parts.length === 0 ? half(1) : parts.length === 1 ? (parts[0] as Expr) : op("*", ...parts)
    return { negative: t.coefficient < 0, expr: body }
  })
  return signedSum(built) ?? half(0)
}

/** An antitangent of e along `variable`, or undefined where a head (or a tangent it needs) has no rule. */
export const emitAntitangent = (e: Expr, variable: string, rules: AntiRules, tangents: TangentRules | undefined, headRowOf: HeadRowOf): Expr | undefined => {
  try {
    return antitangent(e, { variable, rules, tangents, headRowOf })
  } catch (error) {
    if (error instanceof NoRule || error instanceof RangeError) return undefined
    throw error
  }
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
  options: { readonly range?: readonly [number, number]; readonly maxSamples?: number; readonly points?: number } = {}
): AntiRules => {
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
  let rules: AntiRules = known ?? { heads: new Map(), numberAlpha: undefined, variableAlpha: undefined }

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
      return sxx > 0 ? Math.round((2 * sxy) / sxx) / 2 : undefined
    }
    const leaves = Array.from({ length: base.leafCount - 1 }, (_, i) => i + 1)
    rules = {
      ...rules,
      numberAlpha: rules.numberAlpha ?? fitAlpha(leaves.filter((r) => !symbolRows.has(r) && valueAt(r, 0) !== 0)),
      variableAlpha: rules.variableAlpha ?? fitAlpha(leaves.filter((r) => symbolRows.has(r)))
    }
  }

  /** The variable of the problem a row belongs to. */
  const variableOf = (row: number) => (problems[exampleOf(base, row)] as AntiProblem).variable
  const width = ANTI_MONOMIALS.length
  for (let pass = 0; pass < 8; pass++) {
    // Every node of a head without a rule, with its children's antitangents where known.
    const nodes = new Map<number, Array<{ row: number; c0: number; c1: number; Au: Expr | undefined; Av: Expr | undefined; known: boolean }>>()
    for (const level of base.levels)
      for (let j = 0; j < level.count; j++) {
        const h = level.head[j] as number
        if (rules.heads.has(h)) continue
        const list = nodes.get(h) ?? []
        if (list.length >= maxSamples) continue
        const c0 = level.child0[j] as number
        const c1 = level.child1[j] as number
        const variable = variableOf(level.start + j)
        const Au = emitAntitangent(rowExpr[c0] as Expr, variable, rules, tangents, headRowOf)
        const Av = c1 === 0 ? undefined : emitAntitangent(rowExpr[c1] as Expr, variable, rules, tangents, headRowOf)
        list.push({ row: level.start + j, c0, c1, Au, Av, known: Au !== undefined && (c1 === 0 || Av !== undefined) })
        nodes.set(h, list)
      }
    if (nodes.size === 0) break
    // The children's antitangents at the five inner grid points, by the same evaluator.
    const pending: Array<{ expr: Expr; bindings: ReadonlyArray<readonly [string, number]> }> = []
    const index = new Map<Expr, number>()
    for (const list of nodes.values())
      for (const s of list)
        for (const e of [s.Au, s.Av])
          if (e !== undefined && !index.has(e)) {
            index.set(e, pending.length)
            const x0 = xs[exampleOf(base, s.row)] as number
            for (let j = -2; j <= 2; j++) pending.push({ expr: e, bindings: [[variableOf(s.row), x0 + j * STEP]] })
          }
    const pendingBatch = pending.length > 0 ? featurize(pending) : undefined
    const pendingValues = pendingBatch === undefined ? new Float64Array(0) : evaluate(pendingBatch)
    const fiveOf = (e: Expr | undefined, absent: number): Array<number> => {
      const at = e === undefined ? undefined : index.get(e)
      if (e === undefined || at === undefined || pendingBatch === undefined) return [absent, absent, absent, absent, absent]
      return Array.from({ length: 5 }, (_, k) => pendingValues[pendingBatch.roots[at + k] as number] as number)
    }
    /** A head's candidate columns (the tangent of every monomial) and targets (the node's value). */
    const samplesOf = (list: ReadonlyArray<(typeof nodes extends Map<number, infer L> ? L : never)[number]>) => {
      const columns: Array<number> = []
      const ys: Array<number> = []
      for (const s of list) {
        const Au = fiveOf(s.Au, NaN)
        const Av = s.c1 === 0 ? [1, 1, 1, 1, 1] : fiveOf(s.Av, NaN)
        const x0 = xs[exampleOf(base, s.row)] as number
        const factorAt = (j: number): Array<number> => {
          const u = valueAt(s.c0, j)
          const v = s.c1 === 0 ? 1 : valueAt(s.c1, j)
          const du = stencil((k) => valueAt(s.c0, k), j)
          const dv = s.c1 === 0 ? 0 : stencil((k) => valueAt(s.c1, k), j)
          return [u, v, valueAt(s.row, j), 1 / du, 1 / dv, Au[j + 2] as number, Av[j + 2] as number, Math.sin(u), Math.cos(u), Math.log(Math.abs(v)), 1 / (v + 1), Math.pow(u, v + 1), x0 + j * STEP]
        }
        const grid = [-2, -1, 0, 1, 2].map(factorAt)
        for (let m = 0; m < width; m++) {
          const term = (j: number) => (ANTI_MONOMIALS[m] as ReadonlyArray<number>).reduce((p, f) => p * ((grid[j + 2] as Array<number>)[f] as number), 1)
          columns.push((-term(2) + 8 * term(1) - 8 * term(-1) + term(-2)) / (12 * STEP))
        }
        ys.push(valueAt(s.row, 0))
      }
      const r = bestSubset(Float64Array.from(columns), Float64Array.from(ys), width, DEGREES, { minAgreement: 0.9, tolerance: 1e-4 })
      return r
    }
    const learn = (h: number, terms: ReadonlyArray<Term>) => {
      const heads = new Map(rules.heads)
      heads.set(h, terms)
      rules = { ...rules, heads }
    }
    // First every node of the head (columns of unknown antitangents drop out): a rule that
    // needs none is learned from the most varied data. Else the nodes whose children are
    // known, once they are half the head's nodes; if no head learns so, from any of them.
    let learned = 0
    const waiting: Array<number> = []
    for (const [h, list] of nodes) {
      const all = samplesOf(list)
      if (all !== undefined) {
        learn(h, all.terms)
        learned++
        continue
      }
      const known = list.filter((s) => s.known)
      if (known.length >= 0.5 * list.length) {
        const fit = samplesOf(known)
        if (fit !== undefined) {
          learn(h, fit.terms)
          learned++
        }
      } else if (known.length >= 8) waiting.push(h)
    }
    if (learned === 0)
      for (const h of waiting) {
        const fit = samplesOf((nodes.get(h) ?? []).filter((s) => s.known))
        if (fit !== undefined) {
          learn(h, fit.terms)
          learned++
          break
        }
      }
    if (learned === 0) break
  }
  return rules
}

const exampleOf = (batch: FeaturizedBatch, row: number): number => exampleByRow(batch)[row] as number

const exampleCache = new WeakMap<FeaturizedBatch, Int32Array>()
const exampleByRow = (batch: FeaturizedBatch): Int32Array => {
  let out = exampleCache.get(batch)
  if (out !== undefined) return out
  const total = batch.levels.reduce((n, l) => Math.max(n, l.start + l.count), batch.leafCount)
  out = new Int32Array(total).fill(-1)
  const rows = subtreeRows(batch)
  rows.forEach((example, row) => (out![row] = example))
  exampleCache.set(batch, out)
  return out
}

/** Each row's example: roots down through the children. */
const subtreeRows = (batch: FeaturizedBatch): Map<number, number> => {
  const children = new Map<number, [number, number]>()
  for (const l of batch.levels) for (let j = 0; j < l.count; j++) children.set(l.start + j, [l.child0[j] as number, l.child1[j] as number])
  const out = new Map<number, number>()
  batch.roots.forEach((root, k) => {
    const stack = [root]
    while (stack.length > 0) {
      const r = stack.pop() as number
      if (r === 0 || out.has(r)) continue
      out.set(r, k)
      const c = children.get(r)
      if (c !== undefined) stack.push(c[0], c[1])
    }
  })
  return out
}

/** The (binary-folded) subtree of every row of a batch featurized from `exprs`, in featurize's order. */
const subtreesByRow = (exprs: ReadonlyArray<Expr>, batch: FeaturizedBatch): Array<Expr | undefined> => {
  const total = batch.levels.reduce((n, l) => Math.max(n, l.start + l.count), batch.leafCount)
  const out = new Array<Expr | undefined>(total).fill(undefined)
  const children = new Map<number, [number, number]>()
  for (const l of batch.levels) for (let j = 0; j < l.count; j++) children.set(l.start + j, [l.child0[j] as number, l.child1[j] as number])
  const assign = (row: number, e: Expr) => {
    out[row] = e
    const c = children.get(row)
    if (c === undefined || (e._tag !== "Op" && e._tag !== "Fn")) return
    const args = binaryArgs(e)
    assign(c[0], args[0] as Expr)
    if (args.length > 1 && c[1] !== 0) assign(c[1], args[1] as Expr)
  }
  exprs.forEach((e, k) => assign(batch.roots[k] as number, e))
  return out
}
