/**
 * The algebra the brain's evaluator shows its heads to form, discovered by testing laws
 * over the vocabulary (issue #15): which AC head has an identity literal and another
 * distributing over it (a sum and a product, with their identity literals and a literal
 * m with a + m·a = 0), which binary head merges equal bases of that product (a power:
 * b·b = b^2, b^i·b^j = b^(i+j), (b^i)^j = b^(i·j), (a·b)^j = a^j·b^j, for integer i, j),
 * and which heads are shorthands over them (a difference a + m·b, a negation m·a, a
 * quotient a·b^m). Every row and every literal of the vocabulary is tried in each law;
 * a law holds for a head only when the evaluator confirms it at random points (integer
 * exponents where the law is about them). No head is named: which row plays which part
 * is what the evaluator says, and a checkpoint's roles are confirmed again when read.
 */
import type { Expr } from "../../../domain/Expr.js"
import { Rng } from "../../../domain/Random.js"
import { arityOf, nodeOf } from "../vocabulary.js"
import { agree, valuesAt, VARIABLES } from "./discover.js"
import type { Evaluator } from "../symbolic/learn.js"
import { LITERALS, variable } from "./pattern.js"

export interface Roles {
  readonly sum: number
  readonly product: number
  /** −1 for a part no head plays. */
  readonly power: number
  readonly difference: number
  readonly quotient: number
  readonly negation: number
  /** Indices into LITERALS. */
  readonly zero: number
  readonly one: number
  readonly minusOne: number
}

const POINTS = 16
const [a, b, c] = [variable(0), variable(1), variable(2)]

/** Points where the variables in `integers` take small nonzero integers, the others reals of either sign. */
const pointsFor = (rng: Rng, integers: ReadonlyArray<number>): Array<Array<number>> =>
  Array.from({ length: POINTS }, () =>
    Array.from({ length: VARIABLES }, (_, i) => {
      if (integers.includes(i)) {
        const k = rng.int(1, 3)
        return rng.bool() ? k : -k
      }
      return (rng.bool() ? 1 : -1) * rng.uniform(0.3, 2.7)
    }))

/** A law: both sides equal wherever defined; its integer variables. */
interface Law {
  readonly lhs: Expr
  readonly rhs: Expr
  readonly integers?: ReadonlyArray<number>
}

/** Which of the laws the evaluator confirms (one batch per kind of points). */
export const confirmLaws = (laws: ReadonlyArray<Law>, evaluate: Evaluator, rng: Rng): Array<boolean> => {
  const out = new Array<boolean>(laws.length).fill(false)
  const groups = new Map<string, Array<number>>()
  laws.forEach((l, i) => {
    const k = (l.integers ?? []).join(",")
    groups.set(k, [...(groups.get(k) ?? []), i])
  })
  for (const [k, members] of groups) {
    const points = pointsFor(rng, k === "" ? [] : k.split(",").map(Number))
    const sides = members.flatMap((i) => [(laws[i] as Law).lhs, (laws[i] as Law).rhs])
    const values = valuesAt(sides, points, evaluate)
    members.forEach((i, j) => {
      out[i] = agree(values[2 * j] as Float64Array, values[2 * j + 1] as Float64Array, POINTS / 2)
    })
  }
  return out
}

const lit = (i: number): Expr => LITERALS[i] as Expr

/** The laws each part must satisfy, given the parts found before it. */
const ringLaws = (s: number, p: number, z: number, o: number): Array<Law> => [
  { lhs: nodeOf(s, [a, lit(z)]), rhs: a },
  { lhs: nodeOf(p, [a, lit(o)]), rhs: a },
  { lhs: nodeOf(p, [a, lit(z)]), rhs: lit(z) },
  { lhs: nodeOf(p, [a, nodeOf(s, [b, c])]), rhs: nodeOf(s, [nodeOf(p, [a, b]), nodeOf(p, [a, c])]) }
]
const powerLaws = (r: Roles, e: number): Array<Law> => {
  const two = LITERALS.findIndex((l) => l._tag === "Integer" && l.value === 2n)
  return [
    { lhs: nodeOf(e, [a, lit(two)]), rhs: nodeOf(r.product, [a, a]) },
    { lhs: nodeOf(e, [a, lit(r.one)]), rhs: a },
    { lhs: nodeOf(r.product, [nodeOf(e, [a, b]), nodeOf(e, [a, c])]), rhs: nodeOf(e, [a, nodeOf(r.sum, [b, c])]), integers: [1, 2] },
    { lhs: nodeOf(e, [nodeOf(e, [a, b]), c]), rhs: nodeOf(e, [a, nodeOf(r.product, [b, c])]), integers: [1, 2] },
    { lhs: nodeOf(e, [nodeOf(r.product, [a, b]), c]), rhs: nodeOf(r.product, [nodeOf(e, [a, c]), nodeOf(e, [b, c])]), integers: [2] }
  ]
}

/** The roles the given rows play (rows with a locked unit), or undefined without a sum and a product. */
export const discoverRoles = (rows: ReadonlyArray<number>, ac: ReadonlyArray<number>, evaluate: Evaluator, rng: Rng): Roles | undefined => {
  const idx = LITERALS.map((_, i) => i)
  let found: { s: number; p: number; z: number; o: number } | undefined
  for (const s of ac) for (const p of ac) for (const z of idx) for (const o of idx) {
    if (found !== undefined || s === p || z === o) continue
    if (confirmLaws(ringLaws(s, p, z, o), evaluate, rng).every(Boolean)) found = { s, p, z, o }
  }
  if (found === undefined) return undefined
  const { s, p, z, o } = found
  const m = idx.find((i) => i !== z && confirmLaws([{ lhs: nodeOf(s, [a, nodeOf(p, [lit(i), a])]), rhs: lit(z) }], evaluate, rng)[0])
  const partial: Roles = { sum: s, product: p, power: -1, difference: -1, quotient: -1, negation: -1, zero: z, one: o, minusOne: m ?? -1 }
  const binary = rows.filter((r) => arityOf(r) === 2 && r !== s && r !== p)
  const power = binary.find((e) => confirmLaws(powerLaws(partial, e), evaluate, rng).every(Boolean)) ?? -1
  if (m === undefined) return { ...partial, power }
  const one = (law: Law) => confirmLaws([law], evaluate, rng)[0] === true
  const difference = binary.find((d) => one({ lhs: nodeOf(d, [a, b]), rhs: nodeOf(s, [a, nodeOf(p, [lit(m), b])]) })) ?? -1
  const negation = rows.filter((u) => arityOf(u) === 1).find((u) => one({ lhs: nodeOf(u, [a]), rhs: nodeOf(p, [lit(m), a]) })) ?? -1
  const quotient = power < 0 ? -1 : (binary.find((q) => q !== power && one({ lhs: nodeOf(q, [a, b]), rhs: nodeOf(p, [a, nodeOf(power, [b, lit(m)])]) })) ?? -1)
  return { ...partial, power, difference, negation, quotient }
}

/**
 * The one-argument rows whose integer powers are the row of a multiple, (h a)^k = h(k·a)
 * for integer k (on the default data, exp): a presentation may write h(u)^−k as h(−k·u)
 * (./normal.ts), as targets do. Found among the given rows by the evaluator, like the roles.
 */
export const discoverExponentials = (rows: ReadonlyArray<number>, r: Roles, evaluate: Evaluator, rng: Rng): Array<number> => {
  if (r.power < 0) return []
  const unary = rows.filter((u) => arityOf(u) === 1)
  const held = confirmLaws(unary.map((u) => ({ lhs: nodeOf(r.power, [nodeOf(u, [a]), b]), rhs: nodeOf(u, [nodeOf(r.product, [b, a])]), integers: [1] })), evaluate, rng)
  return unary.filter((_, i) => held[i] === true)
}

/** Roles as numbers (a checkpoint's state), and back; empty when none. */
export const encodeRoles = (r: Roles | undefined): Array<number> =>
  r === undefined ? [] : [r.sum, r.product, r.power, r.difference, r.quotient, r.negation, r.zero, r.one, r.minusOne]

export const decodeRoles = (flat: ReadonlyArray<number>): Roles | undefined | "malformed" => {
  if (flat.length === 0) return undefined
  if (flat.length !== 9 || flat.some((v) => !Number.isInteger(v) || v < -1)) return "malformed"
  const [sum, product, power, difference, quotient, negation, zero, one, minusOne] = flat as [number, number, number, number, number, number, number, number, number]
  if (sum < 0 || product < 0 || zero < 0 || one < 0 || [zero, one, minusOne].some((i) => i >= LITERALS.length)) return "malformed"
  return { sum, product, power, difference, quotient, negation, zero, one, minusOne }
}

/** The roles a checkpoint claims, each part kept only if its laws hold on this evaluator. */
export const confirmRoles = (r: Roles, evaluate: Evaluator, rng: Rng = Rng.seeded(0x401e5)): Roles | undefined => {
  if (!confirmLaws(ringLaws(r.sum, r.product, r.zero, r.one), evaluate, rng).every(Boolean)) return undefined
  const m = r.minusOne
  const mOk = m >= 0 && confirmLaws([{ lhs: nodeOf(r.sum, [a, nodeOf(r.product, [lit(m), a])]), rhs: lit(r.zero) }], evaluate, rng)[0] === true
  const power = r.power >= 0 && confirmLaws(powerLaws(r, r.power), evaluate, rng).every(Boolean) ? r.power : -1
  const check = (row: number, law: () => Law) => (row >= 0 && mOk && confirmLaws([law()], evaluate, rng)[0] === true ? row : -1)
  return {
    ...r,
    minusOne: mOk ? m : -1,
    power,
    difference: check(r.difference, () => ({ lhs: nodeOf(r.difference, [a, b]), rhs: nodeOf(r.sum, [a, nodeOf(r.product, [lit(m), b])]) })),
    negation: check(r.negation, () => ({ lhs: nodeOf(r.negation, [a]), rhs: nodeOf(r.product, [lit(m), a]) })),
    quotient: power < 0 ? -1 : check(r.quotient, () => ({ lhs: nodeOf(r.quotient, [a, b]), rhs: nodeOf(r.product, [a, nodeOf(power, [b, lit(m)])]) }))
  }
}
