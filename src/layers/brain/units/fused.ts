/**
 * The units of a cell as fused tensor ops: one op for the units of a height level, so
 * that it costs one allocation and one loop instead of ~60 small ops. Each runs
 * ./formulas.ts over its rows, forward and backward.
 *
 *   arithmeticUnits(a[n,1], b[n,1], q[h,10], rows?[n])            → [n, 4]  affine, product, power-product, exponent
 *   unaryUnits(a[n,1], r[h,12], rows?[n])                          → [n, 4]  sine, exp, log, ratio (of a only)
 *   lockedUnits(a[n,1], b[n,1], q[h,10], r[h,12], rows[n], unit[n]) → [n, 1]  one unit per node
 *
 * Row i reads its parameters from row rows[i] of the tables (row i without `rows`; the
 * layouts in ./paths.ts). lockedUnits is for a height level whose gates are all locked:
 * row i is unit[i] (0…7, PATHS' order), bit for bit column unit[i] of the first two ops'
 * outputs, and their gradient when only that column's gradient is non-zero.
 */
import * as T from "../../../tensor/index.js"
import type { Tensor } from "../../../tensor/index.js"
import {
  affineBackward,
  affineValue,
  arithmeticBackward,
  exponentBackward,
  exponentValue,
  lnAbs,
  logChain,
  powerBackward,
  powerValue,
  productBackward,
  productValue,
  unaryBackward,
  unaryValue,
  unitValue
} from "./formulas.js"
import { PARAMETER_OFFSET, UNARY_COUNT, UNARY_PARAMETERS, UNIT_COUNT, UNIT_PARAMETERS } from "./paths.js"

const [AFFINE, PRODUCT, POWER, EXPONENT] = PARAMETER_OFFSET as [number, number, number, number]

/** A private copy of the row index, checked (backward must not see later changes by the caller); null: row i. */
const rowIndex = (op: string, rows: T.Index | undefined, n: number, tableRows: number): Int32Array | null => {
  if (rows === undefined) {
    if (tableRows !== n) throw new RangeError(`${op}: the table has ${tableRows} rows for ${n} nodes and no row index`)
    return null
  }
  if (rows.length !== n) throw new RangeError(`${op}: ${rows.length} rows for ${n} nodes`)
  const index = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const h = rows[i]!
    if (!(h >= 0 && h < tableRows && Number.isInteger(h))) throw new RangeError(`${op}: row ${i} holds ${h}, outside [0, ${tableRows})`)
    index[i] = h
  }
  return index
}

const checkColumns = (op: string, a: Tensor, b: Tensor): void => {
  if (a.cols !== 1 || b.cols !== 1 || b.rows !== a.rows)
    throw new RangeError(`${op}: a [${a.rows}, ${a.cols}] and b [${b.rows}, ${b.cols}] must be [n, 1]`)
}

export const arithmeticUnits = (a: Tensor, b: Tensor, q: Tensor, rows?: T.Index): Tensor => {
  const n = a.rows
  checkColumns("arithmeticUnits", a, b)
  if (q.cols !== UNIT_PARAMETERS) throw new RangeError(`arithmeticUnits: q has ${q.cols} columns, expected ${UNIT_PARAMETERS}`)
  const index = rowIndex("arithmeticUnits", rows, n, q.rows)
  const A = a.data
  const B = b.data
  const Q = q.data
  const Y = new Float64Array(n * UNIT_COUNT)
  for (let i = 0; i < n; i++) {
    const u = (index === null ? i : index[i]!) * UNIT_PARAMETERS
    const x = A[i]!
    const y = B[i]!
    const la = lnAbs(x)
    const lb = lnAbs(y)
    const sa = Math.sign(x)
    const o = i * UNIT_COUNT
    Y[o] = affineValue(x, y, Q, u + AFFINE)
    Y[o + 1] = productValue(x, y, Q, u + PRODUCT)
    Y[o + 2] = powerValue(la, lb, sa, Math.sign(y), Q, u + POWER)
    Y[o + 3] = exponentValue(y, la, sa, Q, u + EXPONENT)
  }
  return T.fromOp("arithmeticUnits", Y, n, UNIT_COUNT, [a, b, q], (g) => {
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    const gq = q.requiresGrad ? q.gradBuffer() : null
    const dq = new Float64Array(UNIT_PARAMETERS)
    const acc = new Float64Array(4)
    for (let i = 0; i < n; i++) {
      const u = (index === null ? i : index[i]!) * UNIT_PARAMETERS
      const o = i * UNIT_COUNT
      const gPower = g[o + 2]!
      const gExponent = g[o + 3]!
      const x = A[i]!
      const y = B[i]!
      acc.fill(0)
      dq.fill(0)
      // A unit whose output gradient is exactly 0 adds nothing (with locked gates, 3 of 4).
      if (g[o] !== 0) affineBackward(g[o]!, x, y, Q, u + AFFINE, dq, AFFINE, acc)
      if (g[o + 1] !== 0) productBackward(g[o + 1]!, x, y, Q, u + PRODUCT, dq, PRODUCT, acc)
      const logUnits = gPower !== 0 || gExponent !== 0
      if (logUnits) {
        const la = lnAbs(x)
        const sa = Math.sign(x)
        if (gPower !== 0) powerBackward(gPower, la, lnAbs(y), sa, Math.sign(y), Q, u + POWER, dq, POWER, acc)
        if (gExponent !== 0) exponentBackward(gExponent, y, la, sa, Q, u + EXPONENT, dq, EXPONENT, acc)
        logChain(x, y, acc)
      }
      if (ga !== null) ga[i]! += acc[0]!
      if (gb !== null) gb[i]! += acc[1]!
      if (gq !== null) for (let k = 0, end = logUnits ? UNIT_PARAMETERS : POWER; k < end; k++) gq[u + k]! += dq[k]!
    }
  })
}

export const unaryUnits = (a: Tensor, q: Tensor, rows?: T.Index): Tensor => {
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
    for (let k = 0; k < UNARY_COUNT; k++) Y[i * UNARY_COUNT + k] = unaryValue(k, x, Q, v + PARAMETER_OFFSET[UNIT_COUNT + k]!)
  }
  return T.fromOp("unaryUnits", Y, n, UNARY_COUNT, [a, q], (g) => {
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
        const at = PARAMETER_OFFSET[UNIT_COUNT + k]!
        dx += unaryBackward(k, gk, x, Q, v + at, dv, at)
      }
      if (!touched) continue
      if (ga !== null) ga[i]! += dx
      if (gq !== null) for (let j = 0; j < UNARY_PARAMETERS; j++) gq[v + j]! += dv[j]!
    }
  })
}

export const lockedUnits = (a: Tensor, b: Tensor, q: Tensor, r: Tensor, rows: T.Index, unit: T.Index): Tensor => {
  const n = a.rows
  checkColumns("lockedUnits", a, b)
  if (q.cols !== UNIT_PARAMETERS || r.cols !== UNARY_PARAMETERS || r.rows !== q.rows)
    throw new RangeError(`lockedUnits: tables [${q.rows}, ${q.cols}] and [${r.rows}, ${r.cols}], expected [h, ${UNIT_PARAMETERS}] and [h, ${UNARY_PARAMETERS}]`)
  const index = rowIndex("lockedUnits", rows, n, q.rows)!
  if (unit.length !== n) throw new RangeError(`lockedUnits: ${unit.length} units for ${n} nodes`)
  const units = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const k = unit[i]!
    if (!(k >= 0 && k < UNIT_COUNT + UNARY_COUNT && Number.isInteger(k))) throw new RangeError(`lockedUnits: unit ${i} is ${k}, outside [0, ${UNIT_COUNT + UNARY_COUNT})`)
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
    const at = PARAMETER_OFFSET[k]!
    Y[i] = k < UNIT_COUNT ? unitValue(k, A[i]!, B[i]!, Q, h * UNIT_PARAMETERS + at) : unitValue(k, A[i]!, B[i]!, R, h * UNARY_PARAMETERS + at)
  }
  return T.fromOp("lockedUnits", Y, n, 1, [a, b, q, r], (g) => {
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    const gq = q.requiresGrad ? q.gradBuffer() : null
    const gr = r.requiresGrad ? r.gradBuffer() : null
    const du = new Float64Array(UNIT_PARAMETERS)
    const dv = new Float64Array(UNARY_PARAMETERS)
    const acc = new Float64Array(4)
    for (let i = 0; i < n; i++) {
      const gi = g[i]!
      if (gi === 0) continue
      const k = units[i]!
      const h = index[i]!
      const at = PARAMETER_OFFSET[k]!
      if (k < UNIT_COUNT) {
        const u = h * UNIT_PARAMETERS
        du.fill(0)
        acc.fill(0)
        arithmeticBackward(k, gi, A[i]!, B[i]!, Q, u + at, du, at, acc)
        if (ga !== null) ga[i]! += acc[0]!
        if (gb !== null) gb[i]! += acc[1]!
        if (gq !== null) for (let j = 0; j < UNIT_PARAMETERS; j++) gq[u + j]! += du[j]!
      } else {
        const v = h * UNARY_PARAMETERS
        dv.fill(0)
        const dx = unaryBackward(k - UNIT_COUNT, gi, A[i]!, R, v + at, dv, at)
        if (ga !== null) ga[i]! += dx
        if (gr !== null) for (let j = 0; j < UNARY_PARAMETERS; j++) gr[v + j]! += dv[j]!
      }
    }
  })
}
