/**
 * Row-wise softmax family, numerically stable (the row maximum is subtracted first).
 *   softmax(x)     [r,c] → [r,c]   y_ij = e^{x_ij} / Σ_k e^{x_ik}
 *   logSoftmax(x)  [r,c] → [r,c]   y_ij = x_ij − lse_i
 *   logSumExp(x)   [r,c] → [r,1]   lse_i = log Σ_k e^{x_ik}
 */
import { fromOp, type Tensor } from "../Tensor.js"

/** Writes the row-wise softmax of X [rows, cols] into P; returns lse per row if wanted. */
const softmaxRows = (X: Float64Array, rows: number, cols: number, P: Float64Array, lse: Float64Array | null): void => {
  for (let i = 0; i < rows; i++) {
    const o = i * cols
    let m = -Infinity
    for (let j = 0; j < cols; j++) if (X[o + j]! > m) m = X[o + j]!
    if (m === -Infinity) m = 0 // an all −∞ row: avoid (−∞) − (−∞)
    let s = 0
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(X[o + j]! - m)
      P[o + j] = e
      s += e
    }
    for (let j = 0; j < cols; j++) P[o + j]! /= s
    if (lse !== null) lse[i] = m + Math.log(s)
  }
}

export const softmax = (x: Tensor): Tensor => {
  const { rows, cols } = x
  const Y = new Float64Array(rows * cols)
  softmaxRows(x.data, rows, cols, Y, null)
  return fromOp("softmax", Y, rows, cols, [x], (g) => {
    // dx_ij = y_ij (g_ij − Σ_k g_ik y_ik)
    const gx = x.gradBuffer()
    for (let i = 0; i < rows; i++) {
      const o = i * cols
      let dot = 0
      for (let j = 0; j < cols; j++) dot += g[o + j]! * Y[o + j]!
      for (let j = 0; j < cols; j++) gx[o + j]! += Y[o + j]! * (g[o + j]! - dot)
    }
  })
}

export const logSoftmax = (x: Tensor): Tensor => {
  const { rows, cols } = x
  const X = x.data
  const P = new Float64Array(rows * cols)
  const lse = new Float64Array(rows)
  softmaxRows(X, rows, cols, P, lse)
  const Y = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) Y[i * cols + j] = X[i * cols + j]! - lse[i]!
  return fromOp("logSoftmax", Y, rows, cols, [x], (g) => {
    // dx_ij = g_ij − p_ij Σ_k g_ik
    const gx = x.gradBuffer()
    for (let i = 0; i < rows; i++) {
      const o = i * cols
      let s = 0
      for (let j = 0; j < cols; j++) s += g[o + j]!
      for (let j = 0; j < cols; j++) gx[o + j]! += g[o + j]! - P[o + j]! * s
    }
  })
}

export const logSumExp = (x: Tensor): Tensor => {
  const { rows, cols } = x
  const P = new Float64Array(rows * cols)
  const Y = new Float64Array(rows)
  softmaxRows(x.data, rows, cols, P, Y)
  return fromOp("logSumExp", Y, rows, 1, [x], (g) => {
    // d lse_i / d x_ij = p_ij
    const gx = x.gradBuffer()
    for (let i = 0; i < rows; i++) {
      const o = i * cols
      const gi = g[i]!
      for (let j = 0; j < cols; j++) gx[o + j]! += gi * P[o + j]!
    }
  })
}
