/**
 * Activations and clamps, x: [r,c] → [r,c].
 * At the kinks the gradient follows PyTorch: relu' (0) = 0, clamp passes the gradient
 * on the closed interval [lo, hi], hardSigmoid on the open one.
 */
import { fromOp, type Tensor } from "../Tensor.js"

/** tanh(x). dy/dx = 1 − y². */
export const tanh = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.tanh(X[i]!)
  return fromOp("tanh", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * (1 - Y[i]! * Y[i]!)
  })
}

/** 1 / (1 + e^−x), computed without overflow for large |x|. dy/dx = y (1 − y). */
export const sigmoid = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) {
    const v = X[i]!
    if (v >= 0) Y[i] = 1 / (1 + Math.exp(-v))
    else {
      const e = Math.exp(v)
      Y[i] = e / (1 + e)
    }
  }
  return fromOp("sigmoid", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * Y[i]! * (1 - Y[i]!)
  })
}

/** max(x, 0). dy/dx = [x > 0]. */
export const relu = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = X[i]! > 0 ? X[i]! : 0
  return fromOp("relu", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) if (X[i]! > 0) gx[i]! += g[i]!
  })
}

/**
 * clamp(0.5 + x/4, 0, 1): a gate that reaches exactly 0 and 1 (|x| ≥ 2).
 * dy/dx = 1/4 for −2 < x < 2, else 0.
 */
export const hardSigmoid = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) {
    const v = 0.5 + 0.25 * X[i]!
    Y[i] = v <= 0 ? 0 : v >= 1 ? 1 : v
  }
  return fromOp("hardSigmoid", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) {
      const v = X[i]!
      if (v > -2 && v < 2) gx[i]! += 0.25 * g[i]!
    }
  })
}

/** min(max(x, lo), hi). dy/dx = [lo ≤ x ≤ hi]. */
export const clamp = (x: Tensor, lo: number, hi: number): Tensor => {
  if (!(lo <= hi)) throw new RangeError(`clamp: lo ${lo} > hi ${hi}`)
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) {
    const v = X[i]!
    Y[i] = v < lo ? lo : v > hi ? hi : v
  }
  return fromOp("clamp", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) {
      const v = X[i]!
      if (v >= lo && v <= hi) gx[i]! += g[i]!
    }
  })
}
