/**
 * Rule discovery, Ruler-style (Nandi et al., OOPSLA 2021): enumeration and fuzzing.
 *
 * Right-hand sides are enumerated generically: pattern variables, the small literals, and
 * every head of the vocabulary the brain has seen (and has a locked unit for) applied to
 * them, up to five nodes. Each is evaluated by the brain's own evaluator at a few random
 * points of the variables (its fingerprint). A left-hand side is a node of the brain's
 * answers abstracted into a pattern (./pattern.ts); its candidates are the enumerated
 * terms with the same fingerprint over its own variables, smaller than it, or of equal
 * size and more frequent in the training targets. A candidate becomes a rule only when
 * the evaluator confirms both sides equal at fresh random points.
 */
import { size } from "../../../domain/Expr.js"
import { Rng } from "../../../domain/Random.js"
import type { BrainInput } from "../featurize.js"
import type { Evaluator } from "../symbolic/learn.js"
import { arityOf, nodeOf } from "../vocabulary.js"
import { evaluateAll, recogniseRational } from "./fold.js"
import { key, LITERALS, variable, variablesOf, type Pattern } from "./pattern.js"
import type { Rule } from "./rewrite.js"

export const VARIABLES = 3
const FINGERPRINT_POINTS = 6
const CHECK_POINTS = 12
/** Relative agreement required at every point where both sides are defined. */
export const AGREEMENT = 1e-9

export { arityOf, nodeOf }

/** Random values of ?0…?(VARIABLES−1): magnitudes in [0.3, 2.7], either sign. */
export const randomPoints = (rng: Rng, n: number): Array<Array<number>> =>
  Array.from({ length: n }, () => Array.from({ length: VARIABLES }, () => (rng.bool() ? 1 : -1) * rng.uniform(0.3, 2.7)))

const bindingsAt = (point: ReadonlyArray<number>): Array<readonly [string, number]> =>
  point.map((v, i) => [`?${i}`, v] as const)

/** Values of every pattern at every point: [pattern][point]. */
export const valuesAt = (patterns: ReadonlyArray<Pattern>, points: ReadonlyArray<ReadonlyArray<number>>, evaluate: Evaluator): Array<Float64Array> => {
  const inputs: Array<BrainInput> = []
  for (const expr of patterns) for (const p of points) inputs.push({ expr, bindings: bindingsAt(p) })
  const flat = evaluateAll(inputs, evaluate)
  return patterns.map((_, i) => flat.subarray(i * points.length, (i + 1) * points.length))
}

const fingerprintKey = (values: ArrayLike<number>): string => {
  const parts: Array<string> = []
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    parts.push(!Number.isFinite(v) ? "nan" : Math.abs(v) < 1e-9 ? "0" : v.toPrecision(7))
  }
  return parts.join(",")
}

/** Whether two value vectors agree: defined at the same points, enough of them, equal there. */
export const agree = (a: ArrayLike<number>, b: ArrayLike<number>, minDefined: number): boolean => {
  let defined = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (Number.isFinite(x) !== Number.isFinite(y)) return false
    if (!Number.isFinite(x)) continue
    if (Math.abs(x - y) > AGREEMENT * (1 + Math.abs(x) + Math.abs(y))) return false
    defined++
  }
  return defined >= minDefined
}

/** Every term over the variables, the literals and the given heads, up to `maxSize` nodes (≤ 5). */
export const enumerateTerms = (rows: ReadonlyArray<number>, maxSize = 5): Array<Pattern> => {
  const bySize: Array<Array<Pattern>> = [[], [...Array.from({ length: VARIABLES }, (_, i) => variable(i)), ...LITERALS]]
  const unary = rows.filter((r) => arityOf(r) === 1)
  const binary = rows.filter((r) => arityOf(r) === 2)
  for (let n = 2; n <= Math.min(maxSize, 4); n++) {
    const out: Array<Pattern> = []
    for (const r of unary) for (const a of bySize[n - 1] ?? []) out.push(nodeOf(r, [a]))
    for (const r of binary)
      for (let left = 1; left <= n - 2; left++)
        for (const a of bySize[left] ?? []) for (const b of bySize[n - 1 - left] ?? []) out.push(nodeOf(r, [a, b]))
    bySize.push(out)
  }
  // Five nodes: a head over a three-node binary term and a leaf, the leaves restricted to the
  // variables and −1, 1, 2 (the full set is ten times larger and costs the evaluator seconds).
  const leaves = (bySize[1] as Array<Pattern>).filter((l) => l._tag === "Symbol" || (l._tag === "Integer" && l.value !== 0n))
  const inner: Array<Pattern> = []
  for (const r of binary) for (const a of leaves) for (const b of leaves) inner.push(nodeOf(r, [a, b]))
  if (maxSize >= 5)
    for (const r of binary) for (const t of inner) for (const l of leaves) bySize.push([nodeOf(r, [t, l]), nodeOf(r, [l, t])])
  return bySize.flat()
}

/** The enumerated terms by fingerprint, each list smallest first. */
export interface TermTable {
  readonly points: ReadonlyArray<ReadonlyArray<number>>
  readonly byFingerprint: ReadonlyMap<string, ReadonlyArray<Pattern>>
}

export const buildTable = (rows: ReadonlyArray<number>, evaluate: Evaluator, rng: Rng): TermTable => {
  const points = randomPoints(rng, FINGERPRINT_POINTS)
  const terms = enumerateTerms(rows)
  const values = valuesAt(terms, points, evaluate)
  const byFingerprint = new Map<string, Array<Pattern>>()
  terms.forEach((t, i) => {
    const k = fingerprintKey(values[i] as Float64Array)
    const list = byFingerprint.get(k) ?? []
    list.push(t)
    byFingerprint.set(k, list)
  })
  return { points, byFingerprint }
}

/** Heads a binary row is associative and commutative for, confirmed at random points. */
export const associativeCommutative = (rows: ReadonlyArray<number>, evaluate: Evaluator, rng: Rng): Array<number> => {
  const [a, b, c] = [variable(0), variable(1), variable(2)]
  const binary = rows.filter((r) => arityOf(r) === 2)
  const sides = binary.flatMap((r) => [
    nodeOf(r, [a, b]), nodeOf(r, [b, a]),
    nodeOf(r, [nodeOf(r, [a, b]), c]), nodeOf(r, [a, nodeOf(r, [b, c])])
  ])
  const values = valuesAt(sides, randomPoints(rng, CHECK_POINTS), evaluate)
  return binary.filter((_, i) =>
    agree(values[4 * i] as Float64Array, values[4 * i + 1] as Float64Array, CHECK_POINTS - 2) &&
    agree(values[4 * i + 2] as Float64Array, values[4 * i + 3] as Float64Array, CHECK_POINTS - 2))
}

/**
 * Rules for the given left-hand sides: per side, the first enumerated candidate (one the
 * targets use before one they never do, then the smallest) that the evaluator confirms at fresh points; a
 * constant side may also become the small rational it evaluates to.
 */
export const discoverRules = (
  lhss: ReadonlyArray<Pattern>,
  table: TermTable,
  evaluate: Evaluator,
  frequency: (p: Pattern) => number,
  rng: Rng
): Array<Rule> => {
  if (lhss.length === 0) return []
  const prints = valuesAt(lhss, table.points, evaluate)
  const proposals: Array<{ lhs: Pattern; candidates: Array<Pattern> }> = []
  lhss.forEach((lhs, i) => {
    const own = variablesOf(lhs)
    const n = size(lhs)
    const values = prints[i] as Float64Array
    const candidates = (table.byFingerprint.get(fingerprintKey(values)) ?? []).filter(
      (r) => [...variablesOf(r)].every((v) => own.has(v)) && (size(r) < n || (size(r) === n && key(r) !== key(lhs) && frequency(r) > frequency(lhs)))
    )
    const constant = recogniseRational(values[0] as number)
    if (constant !== undefined && size(constant) < n && !candidates.some((c) => key(c) === key(constant))) candidates.push(constant)
    // Forms the targets use first (the data's conventions), then the smallest.
    const seen = (p: Pattern) => (frequency(p) > 0 ? 0 : 1)
    candidates.sort((x, y) => seen(x) - seen(y) || size(x) - size(y) || frequency(y) - frequency(x) || (key(x) < key(y) ? -1 : 1))
    // A form the targets never write is not the data's convention (a leaf always is).
    const kept = candidates.filter((c) => size(c) === 1 || frequency(c) > 0)
    if (kept.length > 0) proposals.push({ lhs, candidates: kept.slice(0, 4) })
  })
  if (proposals.length === 0) return []
  const points = randomPoints(rng, CHECK_POINTS)
  const sides = proposals.flatMap(({ lhs, candidates }) => [lhs, ...candidates])
  const values = valuesAt(sides, points, evaluate)
  const rules: Array<Rule> = []
  let at = 0
  for (const { lhs, candidates } of proposals) {
    const left = values[at] as Float64Array
    const chosen = candidates.findIndex((_, k) => agree(left, values[at + 1 + k] as Float64Array, CHECK_POINTS / 2))
    if (chosen >= 0) rules.push({ lhs, rhs: candidates[chosen] as Pattern })
    at += 1 + candidates.length
  }
  return rules
}

/**
 * Pairs (unary row u, AC row h) with (h a (u b)) = (u (h a b)) at random points: u moves
 * out of h's arguments, or into a number argument where it folds (./rewrite.ts).
 */
export const liftable = (rows: ReadonlyArray<number>, ac: ReadonlyArray<number>, evaluate: Evaluator, rng: Rng): Array<readonly [number, number]> => {
  const [a, b] = [variable(0), variable(1)]
  const pairs = rows.filter((u) => arityOf(u) === 1).flatMap((u) => ac.map((h) => [u, h] as const))
  if (pairs.length === 0) return []
  const sides = pairs.flatMap(([u, h]) => [nodeOf(h, [a, nodeOf(u, [b])]), nodeOf(u, [nodeOf(h, [a, b])])])
  const values = valuesAt(sides, randomPoints(rng, CHECK_POINTS), evaluate)
  return pairs.filter((_, i) => agree(values[2 * i] as Float64Array, values[2 * i + 1] as Float64Array, CHECK_POINTS - 2))
}

/** Whether the evaluator confirms a rule at fresh random points (tests, and rules read from a checkpoint). */
export const confirms = (rule: Rule, evaluate: Evaluator, rng: Rng = Rng.seeded(0x51a9)): boolean => {
  const values = valuesAt([rule.lhs, rule.rhs], randomPoints(rng, CHECK_POINTS), evaluate)
  return agree(values[0] as Float64Array, values[1] as Float64Array, CHECK_POINTS / 2)
}
