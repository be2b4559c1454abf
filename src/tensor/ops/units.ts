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

// ---------------------------------------------------------------------------------------
// Unary units of a cell (of its first child a only), fused the same way:
//
//   unaryUnits(a[n,1], q[h,12], rows?[n]) → [n, 4]
//
// Row i reads v = q[rows[i]] (q[i] without rows), in this order:
//   v0 v1 v2           sine   A · sin(w a + c)
//   v3 v4              exp    exp(clamp(w a + c, ±50))
//   v5 v6              log    w · ln|a| + c
//   v7 v8 v9 v10 v11   ratio  A · sin(w₁a + c₁) / D,  D = sin(w₂a + c₂), or ±1e-3 (a constant)
//                             where |sin(w₂a + c₂)| < 1e-3 (the sign of the sine; + at 0)
// The same floating-point operations, in the same order, as the composition in
// ArithmeticBrain's `unaryUnits` before it was fused (test/tensor/units.test.ts).

export const UNARY_PARAMETERS = 12
export const UNARY_COUNT = 4
const RATIO_FLOOR = 1e-3

/** The ratio unit's denominator: sin(z), or ±RATIO_FLOOR where |sin z| < RATIO_FLOOR. */
const floored = (d: number): number => (Math.abs(d) < RATIO_FLOOR ? (d < 0 ? -RATIO_FLOOR : RATIO_FLOOR) : d)

/** Unary unit k ∈ 0…3 of x with parameters Q[v …]. */
const unaryValue = (k: number, x: number, Q: Float64Array, v: number): number => {
  switch (k) {
    case 0:
      return Q[v]! * Math.sin(Q[v + 1]! * x + Q[v + 2]!)
    case 1:
      return Math.exp(clampExp(Q[v + 3]! * x + Q[v + 4]!))
    case 2:
      return Q[v + 5]! * Math.log(clampLog(x)) + Q[v + 6]!
    default:
      return (Q[v + 7]! * Math.sin(Q[v + 8]! * x + Q[v + 9]!)) / floored(Math.sin(Q[v + 10]! * x + Q[v + 11]!))
  }
}

/**
 * Accumulates the gradient g of unary unit k into dv (12 entries, the row's parameters)
 * and returns its gradient in x. As the composition's backward: clamp passes the gradient
 * on the closed interval, |x|' = sgn x, a floored denominator is a constant.
 */
const unaryBackward = (k: number, g: number, x: number, Q: Float64Array, v: number, dv: Float64Array): number => {
  switch (k) {
    case 0: {
      const z = Q[v + 1]! * x + Q[v + 2]!
      dv[0]! += g * Math.sin(z)
      const dz = g * Q[v]! * Math.cos(z)
      dv[1]! += dz * x
      dv[2]! += dz
      return dz * Q[v + 1]!
    }
    case 1: {
      const z = Q[v + 3]! * x + Q[v + 4]!
      const dz = z >= -EXP_LIMIT && z <= EXP_LIMIT ? g * Math.exp(z) : 0
      dv[3]! += dz * x
      dv[4]! += dz
      return dz * Q[v + 3]!
    }
    case 2: {
      const c = clampLog(x)
      dv[5]! += g * Math.log(c)
      dv[6]! += g
      return c === Math.abs(x) ? ((g * Q[v + 5]!) / c) * Math.sign(x) : 0
    }
    default: {
      const z1 = Q[v + 8]! * x + Q[v + 9]!
      const z2 = Q[v + 10]! * x + Q[v + 11]!
      const s1 = Math.sin(z1)
      const d = Math.sin(z2)
      const D = floored(d)
      const dn = g / D // ∂/∂numerator
      dv[7]! += dn * s1
      const dz1 = dn * Q[v + 7]! * Math.cos(z1)
      dv[8]! += dz1 * x
      dv[9]! += dz1
      let dx = dz1 * Q[v + 8]!
      if (D === d) {
        const dz2 = -dn * ((Q[v + 7]! * s1) / D) * Math.cos(z2) // ∂/∂D = −g·N/D²
        dv[10]! += dz2 * x
        dv[11]! += dz2
        dx += dz2 * Q[v + 10]!
      }
      return dx
    }
  }
}

const rowIndex = (op: string, rows: Index | undefined, n: number, tableRows: number): Int32Array | null => {
  if (rows === undefined) {
    if (tableRows !== n) throw new RangeError(`${op}: the table has ${tableRows} rows for ${n} nodes and no row index`)
    return null
  }
  if (rows.length !== n) throw new RangeError(`${op}: ${rows.length} rows for ${n} nodes`)
  const index = new Int32Array(n) // a private copy: backward must not see later changes by the caller
  for (let i = 0; i < n; i++) {
    const h = rows[i]!
    if (!(h >= 0 && h < tableRows && Number.isInteger(h))) throw new RangeError(`${op}: rows[${i}] = ${h} is outside [0, ${tableRows})`)
    index[i] = h
  }
  return index
}

export const unaryUnits = (a: Tensor, q: Tensor, rows?: Index): Tensor => {
  const n = a.rows
  if (a.cols !== 1) throw new RangeError(`unaryUnits: a [${a.rows}, ${a.cols}] must be [n, 1]`)
  if (q.cols !== UNARY_PARAMETERS) throw new RangeError(`unaryUnits: q has ${q.cols} columns, expected ${UNARY_PARAMETERS}`)
  const index = rowIndex("unaryUnits", rows, n, q.rows)
  const A = a.data
  const Q = q.data
  const Y = new Float64Array(n * UNARY_COUNT)
  for (let i = 0; i < n; i++) {
    const v = (index === null ? i : index[i]!) * UNARY_PARAMETERS
    const x = A[i]!
    for (let k = 0; k < UNARY_COUNT; k++) Y[i * UNARY_COUNT + k] = unaryValue(k, x, Q, v)
  }
  return fromOp("unaryUnits", Y, n, UNARY_COUNT, [a, q], (g) => {
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gq = q.requiresGrad ? q.gradBuffer() : null
    const dv = new Float64Array(UNARY_PARAMETERS)
    for (let i = 0; i < n; i++) {
      const v = (index === null ? i : index[i]!) * UNARY_PARAMETERS
      const x = A[i]!
      let dx = 0
      let touched = false
      for (let k = 0; k < UNARY_COUNT; k++) {
        const gk = g[i * UNARY_COUNT + k]!
        if (gk === 0) continue // with locked gates most units get exactly 0
        if (!touched) dv.fill(0)
        touched = true
        dx += unaryBackward(k, gk, x, Q, v, dv)
      }
      if (!touched) continue
      if (ga !== null) ga[i]! += dx
      if (gq !== null) for (let j = 0; j < UNARY_PARAMETERS; j++) gq[v + j]! += dv[j]!
    }
  })
}

// ---------------------------------------------------------------------------------------
// One unit per node: when every gate of a height level is locked, a node's value is its
// locked unit's output and nothing else is computed.
//
//   lockedUnits(a[n,1], b[n,1], q[h,10], r[h,12], rows[n], unit[n]) → [n, 1]
//
// Row i is unit[i] (0…7: arithmeticUnits' four, then unaryUnits' four) with parameters
// q[rows[i]] and r[rows[i]]: bit for bit column unit[i] of those ops' outputs, and their
// gradient when only that column's gradient is non-zero.

/** Arithmetic unit k ∈ 0…3 of x, y with parameters Q[u …]: arithmeticUnits' expressions. */
const arithmeticValue = (k: number, x: number, y: number, Q: Float64Array, u: number): number => {
  switch (k) {
    case 0:
      return Q[u]! * x + Q[u + 1]! * y
    case 1:
      return (hardSigmoid(Q[u + 2]!) * (x + -1) + 1) * (hardSigmoid(Q[u + 3]!) * (y + -1) + 1)
    case 2: {
      const la = Math.log(clampLog(x))
      const lb = Math.log(clampLog(y))
      const sign = (hardSigmoid(Q[u + 6]!) * (Math.sign(x) + -1) + 1) * (hardSigmoid(Q[u + 7]!) * (Math.sign(y) + -1) + 1)
      return sign * Math.exp(clampExp(Q[u + 4]! * la + Q[u + 5]! * lb))
    }
    default: {
      const la = Math.log(clampLog(x))
      const negativeBase = -0.5 * (Math.sign(x) + -1)
      const parity = -1 * (negativeBase * (-1 * Math.cos(Q[u + 9]! * y) + 1)) + 1
      return parity * Math.exp(clampExp(Q[u + 8]! * y * la))
    }
  }
}

/** Gradient g of arithmetic unit k into du (10 entries) and [dx, dy] (arithmeticUnits' backward). */
const arithmeticBackward = (k: number, g: number, x: number, y: number, Q: Float64Array, u: number, du: Float64Array, dxy: Float64Array): void => {
  let dx = 0, dy = 0, dla = 0, dlb = 0
  switch (k) {
    case 0:
      dx = g * Q[u]!
      dy = g * Q[u + 1]!
      du[0] = g * x
      du[1] = g * y
      break
    case 1: {
      const zm1 = Q[u + 2]!, zm2 = Q[u + 3]!
      const m1 = hardSigmoid(zm1), m2 = hardSigmoid(zm2)
      const dfa = g * (m2 * (y + -1) + 1)
      const dfb = g * (m1 * (x + -1) + 1)
      dx = dfa * m1
      dy = dfb * m2
      du[2] = zm1 > -2 && zm1 < 2 ? 0.25 * (dfa * (x + -1)) : 0
      du[3] = zm2 > -2 && zm2 < 2 ? 0.25 * (dfb * (y + -1)) : 0
      break
    }
    case 2: {
      const la = Math.log(clampLog(x))
      const lb = Math.log(clampLog(y))
      const sa = Math.sign(x), sb = Math.sign(y)
      const zs1 = Q[u + 6]!, zs2 = Q[u + 7]!
      const p1 = Q[u + 4]!, p2 = Q[u + 5]!
      const fa = hardSigmoid(zs1) * (sa + -1) + 1
      const fb = hardSigmoid(zs2) * (sb + -1) + 1
      const e1 = p1 * la + p2 * lb
      const magnitude = Math.exp(clampExp(e1))
      const dSign = g * magnitude
      du[6] = zs1 > -2 && zs1 < 2 ? 0.25 * (dSign * fb * (sa + -1)) : 0
      du[7] = zs2 > -2 && zs2 < 2 ? 0.25 * (dSign * fa * (sb + -1)) : 0
      const de1 = e1 >= -EXP_LIMIT && e1 <= EXP_LIMIT ? g * (fa * fb) * magnitude : 0
      du[4] = de1 * la
      du[5] = de1 * lb
      dla = de1 * p1
      dlb = de1 * p2
      break
    }
    default: {
      const la = Math.log(clampLog(x))
      const sa = Math.sign(x)
      const r = Q[u + 8]!, omega = Q[u + 9]!
      const negativeBase = -0.5 * (sa + -1)
      const wb = omega * y
      const parity = -1 * (negativeBase * (-1 * Math.cos(wb) + 1)) + 1
      const rb = r * y
      const e2 = rb * la
      const grow = Math.exp(clampExp(e2))
      const de2 = e2 >= -EXP_LIMIT && e2 <= EXP_LIMIT ? g * parity * grow : 0
      du[8] = de2 * la * y
      dy += de2 * la * r
      dla = de2 * rb
      const dwb = g * grow * -(negativeBase * Math.sin(wb))
      du[9] = dwb * y
      dy += dwb * omega
    }
  }
  const cx = clampLog(x)
  const cy = clampLog(y)
  if (dla !== 0 && cx === Math.abs(x)) dx += (dla / cx) * Math.sign(x)
  if (dlb !== 0 && cy === Math.abs(y)) dy += (dlb / cy) * Math.sign(y)
  dxy[0] = dx
  dxy[1] = dy
}

export const lockedUnits = (a: Tensor, b: Tensor, q: Tensor, r: Tensor, rows: Index, unit: Index): Tensor => {
  const n = a.rows
  if (a.cols !== 1 || b.cols !== 1 || b.rows !== n)
    throw new RangeError(`lockedUnits: a [${a.rows}, ${a.cols}] and b [${b.rows}, ${b.cols}] must be [n, 1]`)
  if (q.cols !== UNIT_PARAMETERS || r.cols !== UNARY_PARAMETERS || r.rows !== q.rows)
    throw new RangeError(`lockedUnits: tables [${q.rows}, ${q.cols}] and [${r.rows}, ${r.cols}], expected [h, ${UNIT_PARAMETERS}] and [h, ${UNARY_PARAMETERS}]`)
  const index = rowIndex("lockedUnits", rows, n, q.rows)!
  if (unit.length !== n) throw new RangeError(`lockedUnits: ${unit.length} units for ${n} nodes`)
  const units = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const k = unit[i]!
    if (!(k >= 0 && k < UNIT_COUNT + UNARY_COUNT && Number.isInteger(k))) throw new RangeError(`lockedUnits: unit[${i}] = ${k} is outside [0, 8)`)
    units[i] = k
  }
  const A = a.data
  const B = b.data
  const Q = q.data
  const R = r.data
  const Y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const k = units[i]!
    const h = index[i]!
    Y[i] = k < UNIT_COUNT ? arithmeticValue(k, A[i]!, B[i]!, Q, h * UNIT_PARAMETERS) : unaryValue(k - UNIT_COUNT, A[i]!, R, h * UNARY_PARAMETERS)
  }
  return fromOp("lockedUnits", Y, n, 1, [a, b, q, r], (g) => {
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    const gq = q.requiresGrad ? q.gradBuffer() : null
    const gr = r.requiresGrad ? r.gradBuffer() : null
    const du = new Float64Array(UNIT_PARAMETERS)
    const dv = new Float64Array(UNARY_PARAMETERS)
    const dxy = new Float64Array(2)
    for (let i = 0; i < n; i++) {
      const gi = g[i]!
      if (gi === 0) continue
      const k = units[i]!
      const h = index[i]!
      if (k < UNIT_COUNT) {
        const u = h * UNIT_PARAMETERS
        du.fill(0)
        arithmeticBackward(k, gi, A[i]!, B[i]!, Q, u, du, dxy)
        if (ga !== null) ga[i]! += dxy[0]!
        if (gb !== null) gb[i]! += dxy[1]!
        if (gq !== null) for (let j = 0; j < UNIT_PARAMETERS; j++) gq[u + j]! += du[j]!
      } else {
        const v = h * UNARY_PARAMETERS
        dv.fill(0)
        const dx = unaryBackward(k - UNIT_COUNT, gi, A[i]!, R, v, dv)
        if (ga !== null) ga[i]! += dx
        if (gr !== null) for (let j = 0; j < UNARY_PARAMETERS; j++) gr[v + j]! += dv[j]!
      }
    }
  })
}
