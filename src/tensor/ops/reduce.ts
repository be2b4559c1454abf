/**
 * Reductions. Naming (2-D, PyTorch dims in brackets):
 *   sum(x)      [r,c] → [1,1]   x.sum()
 *   mean(x)     [r,c] → [1,1]   x.mean()
 *   sumRows(x)  [r,c] → [1,c]   adds the rows together, x.sum(0, keepdim)
 *   sumCols(x)  [r,c] → [r,1]   adds the columns together, x.sum(1, keepdim)
 *   meanRows / meanCols likewise.
 */
import { fromOp, type Tensor } from "../Tensor.js"

export const sum = (x: Tensor): Tensor => {
  const X = x.data
  let s = 0
  for (let i = 0; i < X.length; i++) s += X[i]!
  return fromOp("sum", Float64Array.of(s), 1, 1, [x], (g) => {
    // d/dx_i = 1
    const gx = x.gradBuffer()
    const g0 = g[0]!
    for (let i = 0; i < gx.length; i++) gx[i]! += g0
  })
}

export const mean = (x: Tensor): Tensor => {
  const X = x.data
  const n = X.length
  let s = 0
  for (let i = 0; i < n; i++) s += X[i]!
  return fromOp("mean", Float64Array.of(s / n), 1, 1, [x], (g) => {
    // d/dx_i = 1/n
    const gx = x.gradBuffer()
    const g0 = g[0]! / n
    for (let i = 0; i < n; i++) gx[i]! += g0
  })
}

const sumRowsScaled = (op: string, x: Tensor, k: number): Tensor => {
  const { rows, cols } = x
  const X = x.data
  const Y = new Float64Array(cols)
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < cols; j++, o++) Y[j]! += X[o]!
  if (k !== 1) for (let j = 0; j < cols; j++) Y[j]! *= k
  return fromOp(op, Y, 1, cols, [x], (g) => {
    // d y_j / d x_ij = k
    const gx = x.gradBuffer()
    for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < cols; j++, o++) gx[o]! += k * g[j]!
  })
}

const sumColsScaled = (op: string, x: Tensor, k: number): Tensor => {
  const { rows, cols } = x
  const X = x.data
  const Y = new Float64Array(rows)
  for (let i = 0, o = 0; i < rows; i++) {
    let s = 0
    for (let j = 0; j < cols; j++, o++) s += X[o]!
    Y[i] = k * s
  }
  return fromOp(op, Y, rows, 1, [x], (g) => {
    // d y_i / d x_ij = k
    const gx = x.gradBuffer()
    for (let i = 0, o = 0; i < rows; i++) {
      const gi = k * g[i]!
      for (let j = 0; j < cols; j++, o++) gx[o]! += gi
    }
  })
}

/** [r,c] → [1,c]: the sum of the rows. */
export const sumRows = (x: Tensor): Tensor => sumRowsScaled("sumRows", x, 1)

/** [r,c] → [r,1]: the sum across each row's columns. */
export const sumCols = (x: Tensor): Tensor => sumColsScaled("sumCols", x, 1)

/** [r,c] → [1,c]: the mean of the rows. */
export const meanRows = (x: Tensor): Tensor => sumRowsScaled("meanRows", x, 1 / x.rows)

/** [r,c] → [r,1]: the mean across each row's columns. */
export const meanCols = (x: Tensor): Tensor => sumColsScaled("meanCols", x, 1 / x.cols)
