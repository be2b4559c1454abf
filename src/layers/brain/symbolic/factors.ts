/**
 * The candidate factors of a learned rule, generated from the vocabulary (BRAIN-NOTES,
 * "the line against cheating covers the output side too"). A node with children u, v has
 * atoms: its children, itself, and — for every head the brain can evaluate — a unary head
 * applied to a child, g(u), g(v), and a binary head on u and v shifted by an integer,
 * b(u, v ± 1); a rule for antitangents also has the variable x, the children's tangents
 * and their own antitangents. A factor is an atom to the power ±1, a monomial a product
 * of factors. Which of them a head's rule uses, with which coefficients, is found by
 * search; nothing here knows what a head means, and no name is written.
 */
import type { Coefficient } from "./coefficient.js"
import type { Evaluator } from "./learn.js"
import { applyHeads } from "./writer.js"

export type Atom =
  | { readonly kind: "child"; readonly slot: 0 | 1 }
  | { readonly kind: "node" }
  | { readonly kind: "variable" }
  | { readonly kind: "tangent"; readonly slot: 0 | 1 }
  | { readonly kind: "antitangent"; readonly slot: 0 | 1 }
  /** child + by */
  | { readonly kind: "shifted"; readonly slot: 0 | 1; readonly by: number }
  /** head(child) for a unary head */
  | { readonly kind: "applied"; readonly head: number; readonly slot: 0 | 1 }
  /** head(u, v + by) for a binary head */
  | { readonly kind: "pair"; readonly head: number; readonly by: number }
  /**
   * The antitangent of the other child's tangent times this child's antitangent,
   * A(dv · A(u)) for slot 0 and A(du · A(v)) for slot 1: an antitangent the rule writes
   * and then takes again (integration by parts is u · A(v) − A(du · A(v)))
   */
  | { readonly kind: "parts"; readonly slot: 0 | 1 }

export interface Factor {
  readonly atom: Atom
  readonly power: 1 | -1
}

/** One term of a rule: coefficient · Π factors (· the tangent of child `slot`, in a tangent rule). */
export interface RuleTerm {
  readonly slot: 0 | 1
  readonly factors: ReadonlyArray<Factor>
  readonly coefficient: Coefficient
}

/**
 * A term with coefficient 0 marks a child whose tangent the rule does not know (its fit
 * needs a head the brain has not learned yet): emission gives no answer where that
 * child's tangent is not zero.
 */
export const unknownSlot = (slot: 0 | 1): RuleTerm => ({ slot, factors: [], coefficient: { num: 0, den: 1 } })
export const isUnknown = (t: RuleTerm): boolean => t.coefficient.num === 0

/** The child slot an atom reads (undefined: none). */
export const slotOf = (a: Atom): 0 | 1 | undefined =>
  a.kind === "child" || a.kind === "tangent" || a.kind === "antitangent" || a.kind === "parts" || a.kind === "shifted" || a.kind === "applied" ? a.slot : a.kind === "pair" ? 1 : undefined

/** Whether an atom is built with a head of the vocabulary (a "function" factor: at most one per monomial). */
export const isApplied = (a: Atom): boolean => a.kind === "applied" || a.kind === "pair"

/**
 * Monomials over `simple` and `applied` factors: up to `maxSimple` simple ones (a
 * multiset) times none or one applied factor, at most `maxFactors` in all; ordered by
 * size, then with simple factors before applied ones, so that ties between equally good
 * fits go to the simpler monomial.
 */
export const monomials = (
  simple: ReadonlyArray<Factor>,
  applied: ReadonlyArray<Factor>,
  maxSimple: number,
  maxFactors: number
): Array<ReadonlyArray<Factor>> => {
  const simpleSets: Array<Array<Factor>> = [[]]
  const extend = (start: number, acc: Array<Factor>) => {
    if (acc.length >= maxSimple) return
    for (let i = start; i < simple.length; i++) {
      const next = [...acc, simple[i] as Factor]
      simpleSets.push(next)
      extend(i, next)
    }
  }
  extend(0, [])
  const out: Array<ReadonlyArray<Factor>> = []
  for (const s of simpleSets) out.push(s)
  for (const s of simpleSets) if (s.length + 1 <= maxFactors) for (const a of applied) out.push([...s, a])
  return out
    .filter((m) => m.length <= maxFactors)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.length - b.m.length || a.i - b.i)
    .map(({ m }) => m)
}

// ---- checkpoint encoding ---------------------------------------------------------------

const KINDS = ["child", "node", "variable", "tangent", "antitangent", "shifted", "applied", "pair", "parts"] as const

const encodeAtom = (a: Atom): [number, number, number] => {
  const k = KINDS.indexOf(a.kind)
  switch (a.kind) {
    case "child":
    case "tangent":
    case "antitangent":
    case "parts":
      return [k, a.slot, 0]
    case "shifted":
      return [k, a.slot, a.by]
    case "applied":
      return [k, a.head, a.slot]
    case "pair":
      return [k, a.head, a.by]
    default:
      return [k, 0, 0]
  }
}

const decodeAtom = (k: number, x: number, y: number): Atom | undefined => {
  const slot = x === 0 || x === 1 ? x : undefined
  switch (KINDS[k]) {
    case "child":
    case "tangent":
    case "antitangent":
    case "parts":
      return slot === undefined ? undefined : { kind: KINDS[k] as "child", slot }
    case "node":
      return { kind: "node" }
    case "variable":
      return { kind: "variable" }
    case "shifted":
      return slot === undefined || !Number.isInteger(y) ? undefined : { kind: "shifted", slot, by: y }
    case "applied":
      return Number.isInteger(x) && (y === 0 || y === 1) ? { kind: "applied", head: x, slot: y } : undefined
    case "pair":
      return Number.isInteger(x) && Number.isInteger(y) ? { kind: "pair", head: x, by: y } : undefined
    default:
      return undefined
  }
}

/** A rule's terms as numbers: n, then per term slot, num, den, constant (head, argument, power or −1 0 0), m, factors (kind, x, y, power) × m. */
export const encodeRule = (terms: ReadonlyArray<RuleTerm>): Array<number> => [
  terms.length,
  ...terms.flatMap((t) => {
    const k = t.coefficient.constant
    return [
      t.slot,
      t.coefficient.num,
      t.coefficient.den,
      ...(k === undefined ? [-1, 0, 0] : [k.head, k.argument, k.power]),
      t.factors.length,
      ...t.factors.flatMap((f) => [...encodeAtom(f.atom), f.power])
    ]
  })
]

/** The inverse of encodeRule from `start`: the terms and the index after them, undefined if malformed. */
export const decodeRule = (flat: ReadonlyArray<number>, start: number): { readonly terms: Array<RuleTerm>; readonly end: number } | undefined => {
  let i = start
  const n = flat[i++]
  if (n === undefined || !Number.isInteger(n) || n < 0) return undefined
  const terms: Array<RuleTerm> = []
  for (let t = 0; t < n; t++) {
    const [slot, num, den, kh, ka, kp, m] = flat.slice(i, i + 7) as Array<number | undefined>
    i += 7
    if ((slot !== 0 && slot !== 1) || !Number.isInteger(num) || !Number.isInteger(den) || (den as number) <= 0 || !Number.isInteger(m) || (m as number) < 0) return undefined
    const constant = kh === -1 ? undefined : Number.isInteger(kh) && Number.isInteger(ka) && (kp === 1 || kp === -1) ? { head: kh as number, argument: ka as number, power: kp as 1 | -1 } : null
    if (constant === null) return undefined
    const factors: Array<Factor> = []
    for (let f = 0; f < (m as number); f++) {
      const [k, x, y, p] = flat.slice(i, i + 4) as Array<number | undefined>
      i += 4
      const atom = k === undefined || x === undefined || y === undefined ? undefined : decodeAtom(k, x, y)
      if (atom === undefined || (p !== 1 && p !== -1)) return undefined
      factors.push({ atom, power: p })
    }
    terms.push({ slot, factors, coefficient: { num: num as number, den: den as number, constant } })
  }
  return { terms, end: i }
}

// ---- values -------------------------------------------------------------------------------

/** The values an atom is computed from at one point of one node. */
export interface NodePoint {
  readonly u: number
  readonly v: number
  readonly node: number
  readonly x?: number
  readonly du?: number
  readonly dv?: number
  readonly au?: number
  readonly av?: number
  /** The parts atoms' values, A(dv · A(u)) and A(du · A(v)). */
  readonly pu?: number
  readonly pv?: number
}

/**
 * Every atom's value at every point ([atom][point]); atoms built with a head are the
 * brain's own values of that head applied to the numbers (one batch).
 */
export const atomValues = (atoms: ReadonlyArray<Atom>, points: ReadonlyArray<NodePoint>, evaluate: Evaluator): Array<Float64Array> => {
  const child = (p: NodePoint, slot: 0 | 1) => (slot === 0 ? p.u : p.v)
  const requests: Array<{ head: number; args: ReadonlyArray<number> }> = []
  const pending: Array<[number, number]> = []
  const out = atoms.map((a, i) =>
    Float64Array.from(points, (p, j) => {
      switch (a.kind) {
        case "child":
          return child(p, a.slot)
        case "node":
          return p.node
        case "variable":
          return p.x ?? NaN
        case "tangent":
          return (a.slot === 0 ? p.du : p.dv) ?? NaN
        case "antitangent":
          return (a.slot === 0 ? p.au : p.av) ?? NaN
        case "parts":
          return (a.slot === 0 ? p.pu : p.pv) ?? NaN
        case "shifted":
          return child(p, a.slot) + a.by
        case "applied":
          requests.push({ head: a.head, args: [child(p, a.slot)] })
          pending.push([i, j])
          return NaN
        case "pair":
          requests.push({ head: a.head, args: [p.u, p.v + a.by] })
          pending.push([i, j])
          return NaN
      }
    })
  )
  const values = applyHeads(evaluate, requests)
  pending.forEach(([i, j], k) => ((out[i] as Float64Array)[j] = values[k] as number))
  return out
}

/** A monomial's value at every point, from its atoms' values (atoms indexed by `atomIndex`). */
export const monomialValues = (m: ReadonlyArray<Factor>, values: ReadonlyArray<Float64Array>, atomIndex: (a: Atom) => number, count: number): Float64Array => {
  const out = new Float64Array(count).fill(1)
  for (const f of m) {
    const v = values[atomIndex(f.atom)] as Float64Array
    for (let j = 0; j < count; j++) out[j] = (out[j] as number) * (f.power === 1 ? (v[j] as number) : 1 / (v[j] as number))
  }
  return out
}

/** A stable key of an atom (atoms are compared by value). */
export const atomKey = (a: Atom): string => encodeAtom(a).join(",")

/** Every monomial's value at every point ([monomial][point]), its atoms evaluated once. */
export const monomialColumns = (ms: ReadonlyArray<ReadonlyArray<Factor>>, points: ReadonlyArray<NodePoint>, evaluate: Evaluator): Array<Float64Array> => {
  const atoms: Array<Atom> = []
  const index = new Map<string, number>()
  for (const m of ms)
    for (const f of m)
      if (!index.has(atomKey(f.atom))) {
        index.set(atomKey(f.atom), atoms.length)
        atoms.push(f.atom)
      }
  const values = atomValues(atoms, points, evaluate)
  return ms.map((m) => monomialValues(m, values, (a) => index.get(atomKey(a)) as number, points.length))
}
