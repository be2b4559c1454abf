/**
 * The units written with tensor ops where they are not fused (batches with unknowns only):
 * each unit's tangent — its derivative along the unknowns, carried forward through the
 * tree (forward-mode differentiation) — and the readout unit of a (value, tangent) pair.
 * Generic calculus of the unit formulas (./formulas.ts): no unit is tied to a head.
 */
import * as T from "../../../tensor/index.js"
import type { Tensor } from "../../../tensor/index.js"
import { UNARY_PARAMETERS, UNIT_COUNT } from "./paths.js"

const EXP_LIMIT = 50
/** Below this |denominator| the ratio unit divides by ±RATIO_FLOOR instead (a constant: no gradient). */
const RATIO_FLOOR = 1e-3

const col = (q: Tensor, j: number): Tensor => T.sliceCols(q, j, j + 1)

/** A · sin(w a + c) with the parameters in columns j, j+1, j+2 of q. */
const sineOf = (a: Tensor, A: Tensor | undefined, w: Tensor, c: Tensor): Tensor => {
  const s = T.sin(T.add(T.mul(w, a), c))
  return A === undefined ? s : T.mul(A, s)
}

/** a with |a| < 1e-12 replaced by ±1e-12 (a constant there), for quotients by a. */
const awayFromZero = (a: Tensor): Tensor => {
  const small = Array.from(a.data, (v) => (Math.abs(v) < 1e-12 ? 1 : 0))
  return T.where(small, T.column(Array.from(a.data, (v) => (v < 0 ? -1e-12 : 1e-12))), a)
}
const lnAbs = (a: Tensor): Tensor => T.log(T.clamp(T.abs(a), 1e-12, 1e300))
const expClamped = (x: Tensor): Tensor => T.exp(T.clamp(x, -EXP_LIMIT, EXP_LIMIT))

const one = (x: Tensor) => T.rsubScalar(1, x) // 1 − x

/**
 * The tangent of one unit: its derivative along the children's tangents ta, tb [n, 1], at
 * the children's values a, b, with each row's parameters u [n, 10] (arithmeticUnits'
 * layout) and q [n, 12] (unaryUnits'). [n, 1].
 */
export type UnitTangent = (a: Tensor, b: Tensor, ta: Tensor, tb: Tensor, u: Tensor, q: Tensor) => Tensor

const affineTangent: UnitTangent = (_a, _b, ta, tb, u) => T.add(T.mul(col(u, 0), ta), T.mul(col(u, 1), tb))

const productTangent: UnitTangent = (a, b, ta, tb, u) => {
  const m1 = T.hardSigmoid(col(u, 2))
  const m2 = T.hardSigmoid(col(u, 3))
  const fa = T.add(T.mul(m1, a), one(m1)) // m₁a + 1 − m₁
  const fb = T.add(T.mul(m2, b), one(m2))
  return T.add(T.mul(T.mul(m1, ta), fb), T.mul(fa, T.mul(m2, tb)))
}

// power-product σ |a|^p₁ |b|^p₂ with σ = (s₁ sgn a + 1 − s₁)(s₂ sgn b + 1 − s₂):
// ∂/∂a = (s₂ sgn b + 1 − s₂) p₁ |a|^(p₁−1) (s₁ + (1 − s₁) sgn a), the same in b.
const powerTangent: UnitTangent = (a, b, ta, tb, u) => {
  const sa = T.sign(a.detach())
  const sb = T.sign(b.detach())
  const s1 = T.hardSigmoid(col(u, 6))
  const s2 = T.hardSigmoid(col(u, 7))
  const p1 = col(u, 4)
  const p2 = col(u, 5)
  const la = lnAbs(a)
  const lb = lnAbs(b)
  const gateA = T.add(T.mul(s1, sa), one(s1))
  const gateB = T.add(T.mul(s2, sb), one(s2))
  const slopeA = T.add(s1, T.mul(one(s1), sa))
  const slopeB = T.add(s2, T.mul(one(s2), sb))
  const dA = T.mul(T.mul(gateB, T.mul(p1, expClamped(T.add(T.mul(T.addScalar(p1, -1), la), T.mul(p2, lb))))), slopeA)
  const dB = T.mul(T.mul(gateA, T.mul(p2, expClamped(T.add(T.mul(p1, la), T.mul(T.addScalar(p2, -1), lb))))), slopeB)
  return T.add(T.mul(dA, ta), T.mul(dB, tb))
}

// exponent (1 − n(1 − cos ωb)) exp(r b ln|a|), n = (1 − sgn a)/2
const exponentTangent: UnitTangent = (a, b, ta, tb, u) => {
  const sa = T.sign(a.detach())
  const la = lnAbs(a)
  const r = col(u, 8)
  const omega = col(u, 9)
  const n = T.scale(T.rsubScalar(1, sa), 0.5)
  const E = expClamped(T.mul(T.mul(r, b), la))
  const P = T.rsubScalar(1, T.mul(n, T.rsubScalar(1, T.cos(T.mul(omega, b)))))
  const dEa = T.div(T.mul(T.mul(P, E), T.mul(r, b)), awayFromZero(a))
  const dEb = T.sub(T.mul(T.mul(P, E), T.mul(r, la)), T.mul(E, T.mul(n, T.mul(omega, T.sin(T.mul(omega, b))))))
  return T.add(T.mul(dEa, ta), T.mul(dEb, tb))
}

const sineTangent: UnitTangent = (a, _b, ta, _tb, _u, q) =>
  T.mul(T.mul(T.mul(col(q, 0), col(q, 1)), T.cos(T.add(T.mul(col(q, 1), a), col(q, 2)))), ta)

const expTangent: UnitTangent = (a, _b, ta, _tb, _u, q) =>
  T.mul(T.mul(col(q, 3), T.exp(T.clamp(T.add(T.mul(col(q, 3), a), col(q, 4)), -EXP_LIMIT, EXP_LIMIT))), ta)

const logTangent: UnitTangent = (a, _b, ta, _tb, _u, q) => T.div(T.mul(col(q, 5), ta), awayFromZero(a))

const ratioTangent: UnitTangent = (a, _b, ta, _tb, _u, q) => {
  const numerator = sineOf(a, col(q, 7), col(q, 8), col(q, 9))
  const numeratorSlope = T.mul(T.mul(col(q, 7), col(q, 8)), T.cos(T.add(T.mul(col(q, 8), a), col(q, 9))))
  const denominator = sineOf(a, undefined, col(q, 10), col(q, 11))
  const small = Array.from(denominator.data, (v) => (Math.abs(v) < RATIO_FLOOR ? 1 : 0))
  const floor = T.column(Array.from(denominator.data, (v) => (v < 0 ? -RATIO_FLOOR : RATIO_FLOOR)))
  const D = T.where(small, floor, denominator)
  const denominatorSlope = T.mul(col(q, 10), T.cos(T.add(T.mul(col(q, 10), a), col(q, 11))))
  return T.mul(T.sub(T.div(numeratorSlope, D), T.div(T.mul(numerator, denominatorSlope), T.square(D))), ta)
}

/** The tangent of each of the PATH_COUNT units, in PATHS' order. */
export const UNIT_TANGENTS: ReadonlyArray<UnitTangent> = [
  affineTangent, productTangent, powerTangent, exponentTangent, sineTangent, expTangent, logTangent, ratioTangent
]
const NONE = T.zeros(0, UNARY_PARAMETERS) // the parameters a unit does not read

/** Tangents of the units of arithmeticUnits [n, 4] (see UnitTangent). */
export const arithmeticTangents = (a: Tensor, b: Tensor, ta: Tensor, tb: Tensor, u: Tensor): Tensor =>
  T.concatCols(UNIT_TANGENTS.slice(0, UNIT_COUNT).map((f) => f(a, b, ta, tb, u, NONE)))

/** Tangents of unaryUnits (of the first child a along ta), with the same parameters q [n, 12]. [n, 4] */
export const unaryTangents = (a: Tensor, ta: Tensor, q: Tensor): Tensor =>
  T.concatCols(UNIT_TANGENTS.slice(UNIT_COUNT).map((f) => f(a, a, ta, ta, NONE, q)))

/**
 * The readout unit of a pair (v, t) [n, 1]: signs [n, 1] (σ times the gated signs, a
 * constant) · exp(c + p₁ ln|v| + p₂ ln|t|) with q = [c, p₁, p₂] per row [n, 3].
 */
export const readoutUnit = (v: Tensor, t: Tensor, q: Tensor, signs: Tensor): Tensor =>
  T.mul(signs, expClamped(T.add(col(q, 0), T.add(T.mul(col(q, 1), lnAbs(v)), T.mul(col(q, 2), lnAbs(t))))))

/** Entries that are not finite read 0 (with no gradient there). */
export const finiteOnly = (x: Tensor): Tensor => {
  const bad = Array.from(x.data, (v) => (Number.isFinite(v) ? 0 : 1))
  return bad.includes(1) ? T.where(bad, T.zeros(x.rows, x.cols), x) : x
}

/**
 * The readout's constant signs σ (s₁ sgn a + 1 − s₁)(s₂ sgn ta + 1 − s₂) of rows with heads
 * `head` [n, 1], from each head's discrete choices [σ, s₁, s₂] (rows of `choices`).
 */
export const readoutSigns = (choices: Float64Array, head: ArrayLike<number>, a: Tensor, ta: Tensor): Tensor =>
  T.column(
    Array.from(head, (h, i) => {
      const sigma = choices[3 * h] as number
      const s1 = choices[3 * h + 1] as number
      const s2 = choices[3 * h + 2] as number
      return sigma * (s1 * Math.sign(a.data[i] as number) + 1 - s1) * (s2 * Math.sign(ta.data[i] as number) + 1 - s2)
    })
  )
