/**
 * Elementwise functions x: [r,c] → [r,c]. Each backward multiplies the output gradient
 * by the derivative, written from the input X and/or the output Y.
 */
import { fromOp, Tensor } from "../Tensor.js"

/** exp(x). dy/dx = y. */
export const exp = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.exp(X[i]!)
  return fromOp("exp", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * Y[i]!
  })
}

/** ln(x). dy/dx = 1/x. */
export const log = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.log(X[i]!)
  return fromOp("log", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! / X[i]!
  })
}

/** ln|x| (the power unit's log). dy/dx = 1/x on both sides of 0. */
export const logAbs = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.log(Math.abs(X[i]!))
  return fromOp("logAbs", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! / X[i]!
  })
}

/** sin(x). dy/dx = cos(x). */
export const sin = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.sin(X[i]!)
  return fromOp("sin", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * Math.cos(X[i]!)
  })
}

/** cos(x). dy/dx = −sin(x). */
export const cos = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.cos(X[i]!)
  return fromOp("cos", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! -= g[i]! * Math.sin(X[i]!)
  })
}

/** |x|. dy/dx = sign(x) (0 at 0, as PyTorch). */
export const abs = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.abs(X[i]!)
  return fromOp("abs", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * Math.sign(X[i]!)
  })
}

/** sign(x) ∈ {−1, 0, 1}. A constant: no gradient flows through it. */
export const sign = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.sign(X[i]!)
  return new Tensor(Y, x.rows, x.cols)
}

/** √x. dy/dx = 1 / (2y). */
export const sqrt = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.sqrt(X[i]!)
  return fromOp("sqrt", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += (0.5 * g[i]!) / Y[i]!
  })
}

/** x^p for a constant p. dy/dx = p · x^(p−1). */
export const pow = (x: Tensor, p: number): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = Math.pow(X[i]!, p)
  return fromOp("pow", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    if (p === 0) return
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]! * p * Math.pow(X[i]!, p - 1)
  })
}

/** x². dy/dx = 2x. */
export const square = (x: Tensor): Tensor => {
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) Y[i] = X[i]! * X[i]!
  return fromOp("square", Y, x.rows, x.cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += 2 * g[i]! * X[i]!
  })
}
