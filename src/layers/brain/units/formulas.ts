/**
 * The formulas of the units on one node, forward and backward side by side: the scalar
 * kernels that the fused ops (./fused.ts) run over every row, and that the unit search
 * (../search.ts) scores its candidates with. Written with the same floating-point
 * operations, in the same order, as the composition of primitive tensor ops they replace
 * (test/brain/units.test.ts checks both, and finite differences).
 *
 * A unit reads its own parameters P[at …] (./paths.ts gives each unit's offset in its table):
 *   affine         w₁ w₂             w₁a + w₂b
 *   product        m₁ m₂ (logits)    (m₁(a − 1) + 1)(m₂(b − 1) + 1),  m = hardSigmoid(logit)
 *   power-product  p₁ p₂ s₁ s₂       σ · exp(clamp(p₁ ln|a| + p₂ ln|b|, ±50)),
 *                                    σ = (hardSigmoid(s₁)(sgn a − 1) + 1)(hardSigmoid(s₂)(sgn b − 1) + 1)
 *   exponent       r ω               (1 − nₐ(1 − cos ωb)) · exp(clamp(r b ln|a|, ±50)),  nₐ = (1 − sgn a)/2
 *   sine           A w c             A · sin(w a + c)
 *   exp            w c               exp(clamp(w a + c, ±50))
 *   log            w c               w · ln|a| + c
 *   ratio          A w₁ c₁ w₂ c₂     A · sin(w₁a + c₁) / D,  D = sin(w₂a + c₂), or ±1e-3 (a constant)
 *                                    where |sin(w₂a + c₂)| < 1e-3 (the sign of the sine; + at 0)
 * with hardSigmoid(z) = clamp(0.5 + z/4, 0, 1) and ln|x| = ln(clamp(|x|, 1e-12, 1e300)).
 * sgn a, sgn b are constants (no gradient), as `sign(x.detach())`. At kinks the gradient
 * follows the primitive ops: clamp passes it on the closed interval, hardSigmoid on the
 * open one, |x|' = sgn x, a floored denominator is a constant.
 *
 * Backward: a unit writes the gradient of its own parameters into dP[dAt …] and adds its
 * gradient in a, b, ln|a|, ln|b| into `acc` = [da, db, dln|a|, dln|b|]; `logChain` then
 * sends the log terms on to a and b once for all the units of a node.
 */
import { UNIT_COUNT } from "./paths.js"

const LOG_FLOOR = 1e-12
const LOG_CEILING = 1e300
const EXP_LIMIT = 50
const RATIO_FLOOR = 1e-3

export const hardSigmoid = (z: number): number => {
  const v = 0.5 + 0.25 * z
  return v <= 0 ? 0 : v >= 1 ? 1 : v
}
export const clampLog = (x: number): number => {
  const v = Math.abs(x)
  return v < LOG_FLOOR ? LOG_FLOOR : v > LOG_CEILING ? LOG_CEILING : v
}
export const clampExp = (x: number): number => (x < -EXP_LIMIT ? -EXP_LIMIT : x > EXP_LIMIT ? EXP_LIMIT : x)
export const lnAbs = (x: number): number => Math.log(clampLog(x))
/** The ratio unit's denominator: d, or ±RATIO_FLOOR where |d| < RATIO_FLOOR. */
const floored = (d: number): number => (Math.abs(d) < RATIO_FLOOR ? (d < 0 ? -RATIO_FLOOR : RATIO_FLOOR) : d)

// ---------------------------------------------------------------------------------------
// Forward. The units of two inputs take ln|a|, ln|b| and the signs precomputed, once a node.

export const affineValue = (x: number, y: number, P: Float64Array, at: number): number => P[at]! * x + P[at + 1]! * y

export const productValue = (x: number, y: number, P: Float64Array, at: number): number =>
  (hardSigmoid(P[at]!) * (x + -1) + 1) * (hardSigmoid(P[at + 1]!) * (y + -1) + 1)

export const powerValue = (la: number, lb: number, sa: number, sb: number, P: Float64Array, at: number): number => {
  const sign = (hardSigmoid(P[at + 2]!) * (sa + -1) + 1) * (hardSigmoid(P[at + 3]!) * (sb + -1) + 1)
  return sign * Math.exp(clampExp(P[at]! * la + P[at + 1]! * lb))
}

export const exponentValue = (y: number, la: number, sa: number, P: Float64Array, at: number): number => {
  const negativeBase = -0.5 * (sa + -1)
  const parity = -1 * (negativeBase * (-1 * Math.cos(P[at + 1]! * y) + 1)) + 1
  return parity * Math.exp(clampExp(P[at]! * y * la))
}

/** Unary unit k ∈ 0…3 (sine, exp, log, ratio) of x. */
export const unaryValue = (k: number, x: number, P: Float64Array, at: number): number => {
  switch (k) {
    case 0:
      return P[at]! * Math.sin(P[at + 1]! * x + P[at + 2]!)
    case 1:
      return Math.exp(clampExp(P[at]! * x + P[at + 1]!))
    case 2:
      return P[at]! * lnAbs(x) + P[at + 1]!
    default:
      return (P[at]! * Math.sin(P[at + 1]! * x + P[at + 2]!)) / floored(Math.sin(P[at + 3]! * x + P[at + 4]!))
  }
}

/** Unit k ∈ 0…7 (PATHS' order) at (x, y), with its own parameters P[at …]. */
export const unitValue = (k: number, x: number, y: number, P: Float64Array, at: number): number => {
  switch (k) {
    case 0:
      return affineValue(x, y, P, at)
    case 1:
      return productValue(x, y, P, at)
    case 2:
      return powerValue(lnAbs(x), lnAbs(y), Math.sign(x), Math.sign(y), P, at)
    case 3:
      return exponentValue(y, lnAbs(x), Math.sign(x), P, at)
    default:
      return unaryValue(k - UNIT_COUNT, x, P, at)
  }
}

// ---------------------------------------------------------------------------------------
// Backward: g is the gradient of the unit's output.

export const affineBackward = (g: number, x: number, y: number, P: Float64Array, at: number, dP: Float64Array, dAt: number, acc: Float64Array): void => {
  acc[0]! += g * P[at]!
  acc[1]! += g * P[at + 1]!
  dP[dAt] = g * x
  dP[dAt + 1] = g * y
}

export const productBackward = (g: number, x: number, y: number, P: Float64Array, at: number, dP: Float64Array, dAt: number, acc: Float64Array): void => {
  const zm1 = P[at]!, zm2 = P[at + 1]!
  const m1 = hardSigmoid(zm1), m2 = hardSigmoid(zm2)
  const dfa = g * (m2 * (y + -1) + 1)
  const dfb = g * (m1 * (x + -1) + 1)
  acc[0]! += dfa * m1
  acc[1]! += dfb * m2
  dP[dAt] = zm1 > -2 && zm1 < 2 ? 0.25 * (dfa * (x + -1)) : 0
  dP[dAt + 1] = zm2 > -2 && zm2 < 2 ? 0.25 * (dfb * (y + -1)) : 0
}

export const powerBackward = (
  g: number, la: number, lb: number, sa: number, sb: number, P: Float64Array, at: number, dP: Float64Array, dAt: number, acc: Float64Array
): void => {
  const p1 = P[at]!, p2 = P[at + 1]!
  const zs1 = P[at + 2]!, zs2 = P[at + 3]!
  const fa = hardSigmoid(zs1) * (sa + -1) + 1
  const fb = hardSigmoid(zs2) * (sb + -1) + 1
  const e1 = p1 * la + p2 * lb
  const magnitude = Math.exp(clampExp(e1))
  const dSign = g * magnitude
  dP[dAt + 2] = zs1 > -2 && zs1 < 2 ? 0.25 * (dSign * fb * (sa + -1)) : 0
  dP[dAt + 3] = zs2 > -2 && zs2 < 2 ? 0.25 * (dSign * fa * (sb + -1)) : 0
  const de1 = e1 >= -EXP_LIMIT && e1 <= EXP_LIMIT ? g * (fa * fb) * magnitude : 0
  dP[dAt] = de1 * la
  dP[dAt + 1] = de1 * lb
  acc[2]! += de1 * p1
  acc[3]! += de1 * p2
}

export const exponentBackward = (
  g: number, y: number, la: number, sa: number, P: Float64Array, at: number, dP: Float64Array, dAt: number, acc: Float64Array
): void => {
  const r = P[at]!, omega = P[at + 1]!
  const negativeBase = -0.5 * (sa + -1)
  const wb = omega * y
  const parity = -1 * (negativeBase * (-1 * Math.cos(wb) + 1)) + 1
  const rb = r * y
  const e2 = rb * la
  const grow = Math.exp(clampExp(e2))
  const de2 = e2 >= -EXP_LIMIT && e2 <= EXP_LIMIT ? g * parity * grow : 0
  dP[dAt] = de2 * la * y
  acc[1]! += de2 * la * r
  acc[2]! += de2 * rb
  // d parity / d(ωb) = −nₐ sin ωb
  const dwb = g * grow * -(negativeBase * Math.sin(wb))
  dP[dAt + 1] = dwb * y
  acc[1]! += dwb * omega
}

/** ln(clamp(|x|, 1e-12, 1e300)): d/dx = sgn x / |x| inside the clamp; moves acc's log terms onto a and b. */
export const logChain = (x: number, y: number, acc: Float64Array): void => {
  const cx = clampLog(x)
  const cy = clampLog(y)
  if (acc[2] !== 0 && cx === Math.abs(x)) acc[0]! += (acc[2]! / cx) * Math.sign(x)
  if (acc[3] !== 0 && cy === Math.abs(y)) acc[1]! += (acc[3]! / cy) * Math.sign(y)
}

/** Unary unit k ∈ 0…3 of x: adds its parameters' gradient into dP[dAt …] and returns its gradient in x. */
export const unaryBackward = (k: number, g: number, x: number, P: Float64Array, at: number, dP: Float64Array, dAt: number): number => {
  switch (k) {
    case 0: {
      const z = P[at + 1]! * x + P[at + 2]!
      dP[dAt]! += g * Math.sin(z)
      const dz = g * P[at]! * Math.cos(z)
      dP[dAt + 1]! += dz * x
      dP[dAt + 2]! += dz
      return dz * P[at + 1]!
    }
    case 1: {
      const z = P[at]! * x + P[at + 1]!
      const dz = z >= -EXP_LIMIT && z <= EXP_LIMIT ? g * Math.exp(z) : 0
      dP[dAt]! += dz * x
      dP[dAt + 1]! += dz
      return dz * P[at]!
    }
    case 2: {
      const c = clampLog(x)
      dP[dAt]! += g * Math.log(c)
      dP[dAt + 1]! += g
      return c === Math.abs(x) ? ((g * P[at]!) / c) * Math.sign(x) : 0
    }
    default: {
      const z1 = P[at + 1]! * x + P[at + 2]!
      const z2 = P[at + 3]! * x + P[at + 4]!
      const s1 = Math.sin(z1)
      const d = Math.sin(z2)
      const D = floored(d)
      const dn = g / D // ∂/∂numerator
      dP[dAt]! += dn * s1
      const dz1 = dn * P[at]! * Math.cos(z1)
      dP[dAt + 1]! += dz1 * x
      dP[dAt + 2]! += dz1
      let dx = dz1 * P[at + 1]!
      if (D === d) {
        const dz2 = -dn * ((P[at]! * s1) / D) * Math.cos(z2) // ∂/∂D = −g·N/D²
        dP[dAt + 3]! += dz2 * x
        dP[dAt + 4]! += dz2
        dx += dz2 * P[at + 3]!
      }
      return dx
    }
  }
}

/** Unit k ∈ 0…3 of two inputs at (x, y): its backward, then the log terms' chain (acc as above). */
export const arithmeticBackward = (k: number, g: number, x: number, y: number, P: Float64Array, at: number, dP: Float64Array, dAt: number, acc: Float64Array): void => {
  switch (k) {
    case 0:
      affineBackward(g, x, y, P, at, dP, dAt, acc)
      break
    case 1:
      productBackward(g, x, y, P, at, dP, dAt, acc)
      break
    case 2:
      powerBackward(g, lnAbs(x), lnAbs(y), Math.sign(x), Math.sign(y), P, at, dP, dAt, acc)
      break
    default:
      exponentBackward(g, y, lnAbs(x), Math.sign(x), P, at, dP, dAt, acc)
  }
  logChain(x, y, acc)
}
