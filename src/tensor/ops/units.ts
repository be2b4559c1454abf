/**
 * Fused parametrised arithmetic units (BRAIN-NOTES, "The shape that works"): one op for
 * the four units of a cell, so that a height level of the brain costs one allocation and
 * one loop instead of ~60 small ops. Forward and backward side by side; the forward is
 * written with the same floating-point operations, in the same order, as the composition
 * of primitive ops it replaces (test/tensor/units.test.ts checks both, and finite
 * differences).
 *
 *   arithmeticUnits(a[n,1], b[n,1], q[h,10], rows?[n]) → [n, 4]
 *
 * Row i reads the unit parameters u = q[rows[i]] (q[i] without rows), in this order:
 *   u0 u1  affine weights w₁ w₂            affine      w₁a + w₂b
 *   u2 u3  product gate logits → m₁ m₂     product     (m₁a + 1 − m₁)(m₂b + 1 − m₂)
 *   u4 u5  powers p₁ p₂                     power-prod  σ · exp(clamp(p₁ ln|a| + p₂ ln|b|, ±50))
 *   u6 u7  sign gate logits → s₁ s₂                     σ = (s₁ sgn a + 1 − s₁)(s₂ sgn b + 1 − s₂)
 *   u8     rate r                           exponent    (1 − nₐ(1 − cos ωb)) · exp(clamp(r b ln|a|, ±50))
 *   u9     frequency ω                                  nₐ = (1 − sgn a)/2
 * with m, s = hardSigmoid(logit) = clamp(0.5 + logit/4, 0, 1) and ln|x| = ln(clamp(|x|, 1e-12, 1e300)).
 * sgn a, sgn b are constants (no gradient), as `sign(x.detach())`. At kinks the gradient
 * follows the primitive ops: clamp passes it on the closed interval, hardSigmoid on the
 * open one, |x|' = sgn x.
 */
import { fromOp, type Tensor } from "../Tensor.js"
import type { Index } from "./indexing.js"

export const UNIT_PARAMETERS = 10
export const UNIT_COUNT = 4

const LOG_FLOOR = 1e-12
const LOG_CEILING = 1e300
const EXP_LIMIT = 50

const hardSigmoid = (z: number): number => {
  const v = 0.5 + 0.25 * z
  return v <= 0 ? 0 : v >= 1 ? 1 : v
}
const clampLog = (x: number): number => {
  const v = Math.abs(x)
  return v < LOG_FLOOR ? LOG_FLOOR : v > LOG_CEILING ? LOG_CEILING : v
}
const clampExp = (x: number): number => (x < -EXP_LIMIT ? -EXP_LIMIT : x > EXP_LIMIT ? EXP_LIMIT : x)

export const arithmeticUnits = (a: Tensor, b: Tensor, q: Tensor, rows?: Index): Tensor => {
  const n = a.rows
  if (a.cols !== 1 || b.cols !== 1 || b.rows !== n)
    throw new RangeError(`arithmeticUnits: a [${a.rows}, ${a.cols}] and b [${b.rows}, ${b.cols}] must be [n, 1]`)
  if (q.cols !== UNIT_PARAMETERS) throw new RangeError(`arithmeticUnits: q has ${q.cols} columns, expected ${UNIT_PARAMETERS}`)
  let index: Int32Array | null = null
  if (rows !== undefined) {
    if (rows.length !== n) throw new RangeError(`arithmeticUnits: ${rows.length} rows for ${n} nodes`)
    index = new Int32Array(n) // a private copy: backward must not see later changes by the caller
    for (let i = 0; i < n; i++) {
      const h = rows[i]!
      if (!(h >= 0 && h < q.rows && Number.isInteger(h)))
        throw new RangeError(`arithmeticUnits: rows[${i}] = ${h} is outside [0, ${q.rows})`)
      index[i] = h
    }
  } else if (q.rows !== n) throw new RangeError(`arithmeticUnits: q has ${q.rows} rows for ${n} nodes and no row index`)
  const A = a.data
  const B = b.data
  const Q = q.data
  const Y = new Float64Array(n * UNIT_COUNT)
  for (let i = 0; i < n; i++) {
    const u = (index === null ? i : index[i]!) * UNIT_PARAMETERS
    const x = A[i]!
    const y = B[i]!
    const la = Math.log(clampLog(x))
    const lb = Math.log(clampLog(y))
    const sa = Math.sign(x)
    const sb = Math.sign(y)
    const o = i * UNIT_COUNT
    Y[o] = Q[u]! * x + Q[u + 1]! * y
    Y[o + 1] = (hardSigmoid(Q[u + 2]!) * (x + -1) + 1) * (hardSigmoid(Q[u + 3]!) * (y + -1) + 1)
    const sign = (hardSigmoid(Q[u + 6]!) * (sa + -1) + 1) * (hardSigmoid(Q[u + 7]!) * (sb + -1) + 1)
    Y[o + 2] = sign * Math.exp(clampExp(Q[u + 4]! * la + Q[u + 5]! * lb))
    const negativeBase = -0.5 * (sa + -1)
    const parity = -1 * (negativeBase * (-1 * Math.cos(Q[u + 9]! * y) + 1)) + 1
    Y[o + 3] = parity * Math.exp(clampExp(Q[u + 8]! * y * la))
  }
  return fromOp("arithmeticUnits", Y, n, UNIT_COUNT, [a, b, q], (g) => {
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    const gq = q.requiresGrad ? q.gradBuffer() : null
    const dq = new Float64Array(UNIT_PARAMETERS)
    for (let i = 0; i < n; i++) {
      const u = (index === null ? i : index[i]!) * UNIT_PARAMETERS
      const o = i * UNIT_COUNT
      const gAffine = g[o]!
      const gProduct = g[o + 1]!
      const gPower = g[o + 2]!
      const gExponent = g[o + 3]!
      // A unit whose output gradient is exactly 0 adds nothing (with locked gates, 3 of 4).
      const x = A[i]!
      const y = B[i]!
      let dx = 0, dy = 0
      dq.fill(0)
      if (gAffine !== 0) {
        // w₁a + w₂b
        dx += gAffine * Q[u]!
        dy += gAffine * Q[u + 1]!
        dq[0] = gAffine * x
        dq[1] = gAffine * y
      }
      if (gProduct !== 0) {
        // fa · fb, fa = m₁(a − 1) + 1
        const zm1 = Q[u + 2]!, zm2 = Q[u + 3]!
        const m1 = hardSigmoid(zm1), m2 = hardSigmoid(zm2)
        const dfa = gProduct * (m2 * (y + -1) + 1)
        const dfb = gProduct * (m1 * (x + -1) + 1)
        dx += dfa * m1
        dy += dfb * m2
        dq[2] = zm1 > -2 && zm1 < 2 ? 0.25 * (dfa * (x + -1)) : 0
        dq[3] = zm2 > -2 && zm2 < 2 ? 0.25 * (dfb * (y + -1)) : 0
      }
      if (gPower === 0 && gExponent === 0) {
        if (ga !== null) ga[i]! += dx
        if (gb !== null) gb[i]! += dy
        if (gq !== null) for (let k = 0; k < 4; k++) gq[u + k]! += dq[k]!
        continue
      }
      const cx = clampLog(x)
      const cy = clampLog(y)
      const la = Math.log(cx)
      const lb = Math.log(cy)
      const sa = Math.sign(x)
      const sb = Math.sign(y)
      let dla = 0, dlb = 0
      if (gPower !== 0) {
        // σ · exp(clamp(p₁ la + p₂ lb)), σ = (s₁(sgn a − 1) + 1)(s₂(sgn b − 1) + 1)
        const zs1 = Q[u + 6]!, zs2 = Q[u + 7]!
        const p1 = Q[u + 4]!, p2 = Q[u + 5]!
        const fa = hardSigmoid(zs1) * (sa + -1) + 1
        const fb = hardSigmoid(zs2) * (sb + -1) + 1
        const e1 = p1 * la + p2 * lb
        const magnitude = Math.exp(clampExp(e1))
        const dSign = gPower * magnitude
        dq[6] = zs1 > -2 && zs1 < 2 ? 0.25 * (dSign * fb * (sa + -1)) : 0
        dq[7] = zs2 > -2 && zs2 < 2 ? 0.25 * (dSign * fa * (sb + -1)) : 0
        const de1 = e1 >= -EXP_LIMIT && e1 <= EXP_LIMIT ? gPower * (fa * fb) * magnitude : 0
        dq[4] = de1 * la
        dq[5] = de1 * lb
        dla += de1 * p1
        dlb += de1 * p2
      }
      if (gExponent !== 0) {
        // parity · exp(clamp(r b la)), parity = 1 − nₐ(1 − cos ωb), nₐ = (1 − sgn a)/2
        const r = Q[u + 8]!, omega = Q[u + 9]!
        const negativeBase = -0.5 * (sa + -1)
        const wb = omega * y
        const parity = -1 * (negativeBase * (-1 * Math.cos(wb) + 1)) + 1
        const rb = r * y
        const e2 = rb * la
        const grow = Math.exp(clampExp(e2))
        const de2 = e2 >= -EXP_LIMIT && e2 <= EXP_LIMIT ? gExponent * parity * grow : 0
        dq[8] = de2 * la * y
        dy += de2 * la * r
        dla += de2 * rb
        // d parity / d(ωb) = −nₐ sin ωb
        const dwb = gExponent * grow * -(negativeBase * Math.sin(wb))
        dq[9] = dwb * y
        dy += dwb * omega
      }
      // ln(clamp(|x|, 1e-12, 1e300)): d/dx = sgn x / |x| inside the clamp
      if (dla !== 0 && cx === Math.abs(x)) dx += (dla / cx) * sa
      if (dlb !== 0 && cy === Math.abs(y)) dy += (dlb / cy) * sb
      if (ga !== null) ga[i]! += dx
      if (gb !== null) gb[i]! += dy
      if (gq !== null) for (let k = 0; k < UNIT_PARAMETERS; k++) gq[u + k]! += dq[k]!
    }
  })
}
