/**
 * Moving values without arithmetic:
 *   concatCols([x₁[r,c₁], x₂[r,c₂], …]) → [r, Σc]
 *   sliceCols(x[r,c], start, end)       → [r, end − start]
 *   concatRows([x₁[r₁,c], x₂[r₂,c], …]) → [Σr, c]
 *   sliceRows(x[r,c], start, end)       → [end − start, c]
 *   transpose(x[r,c])                   → [c,r]
 *   reshape(x[r,c], r', c')             → [r',c']   (r·c = r'·c', row-major order kept)
 */
import { fromOp, type Tensor } from "../Tensor.js"

export const concatCols = (inputs: ReadonlyArray<Tensor>): Tensor => {
  const xs = [...inputs]
  if (xs.length === 0) throw new RangeError("concatCols: nothing to concatenate")
  const rows = xs[0]!.rows
  let cols = 0
  for (const x of xs) {
    if (x.rows !== rows) throw new RangeError(`concatCols: ${x.rows} rows where ${rows} expected`)
    cols += x.cols
  }
  const Y = new Float64Array(rows * cols)
  let offset = 0
  for (const x of xs) {
    const X = x.data
    const c = x.cols
    for (let i = 0; i < rows; i++) for (let j = 0; j < c; j++) Y[i * cols + offset + j] = X[i * c + j]!
    offset += c
  }
  return fromOp("concatCols", Y, rows, cols, xs, (g) => {
    // each input takes back its own block of columns
    let off = 0
    for (const x of xs) {
      const c = x.cols
      if (x.requiresGrad) {
        const gx = x.gradBuffer()
        for (let i = 0; i < rows; i++) for (let j = 0; j < c; j++) gx[i * c + j]! += g[i * cols + off + j]!
      }
      off += c
    }
  })
}

export const sliceCols = (x: Tensor, start: number, end: number): Tensor => {
  const { rows, cols } = x
  if (!(0 <= start && start <= end && end <= cols)) throw new RangeError(`sliceCols: [${start}, ${end}) of ${cols}`)
  const w = end - start
  const X = x.data
  const Y = new Float64Array(rows * w)
  for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) Y[i * w + j] = X[i * cols + start + j]!
  return fromOp("sliceCols", Y, rows, w, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) gx[i * cols + start + j]! += g[i * w + j]!
  })
}

export const concatRows = (inputs: ReadonlyArray<Tensor>): Tensor => {
  const xs = [...inputs]
  if (xs.length === 0) throw new RangeError("concatRows: nothing to concatenate")
  const cols = xs[0]!.cols
  let rows = 0
  for (const x of xs) {
    if (x.cols !== cols) throw new RangeError(`concatRows: ${x.cols} columns where ${cols} expected`)
    rows += x.rows
  }
  const Y = new Float64Array(rows * cols)
  let offset = 0
  for (const x of xs) {
    Y.set(x.data, offset)
    offset += x.data.length
  }
  return fromOp("concatRows", Y, rows, cols, xs, (g) => {
    let off = 0
    for (const x of xs) {
      const n = x.data.length
      if (x.requiresGrad) {
        const gx = x.gradBuffer()
        for (let i = 0; i < n; i++) gx[i]! += g[off + i]!
      }
      off += n
    }
  })
}

export const sliceRows = (x: Tensor, start: number, end: number): Tensor => {
  const { rows, cols } = x
  if (!(0 <= start && start <= end && end <= rows)) throw new RangeError(`sliceRows: [${start}, ${end}) of ${rows}`)
  const Y = x.data.slice(start * cols, end * cols)
  return fromOp("sliceRows", Y, end - start, cols, [x], (g) => {
    const gx = x.gradBuffer()
    const off = start * cols
    for (let i = 0; i < g.length; i++) gx[off + i]! += g[i]!
  })
}

export const transpose = (x: Tensor): Tensor => {
  const { rows, cols } = x
  const X = x.data
  const Y = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) Y[j * rows + i] = X[i * cols + j]!
  return fromOp("transpose", Y, cols, rows, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) gx[i * cols + j]! += g[j * rows + i]!
  })
}

export const reshape = (x: Tensor, rows: number, cols: number): Tensor => {
  if (rows * cols !== x.size) throw new RangeError(`reshape: [${x.rows}, ${x.cols}] to [${rows}, ${cols}]`)
  return fromOp("reshape", x.data.slice(), rows, cols, [x], (g) => {
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]!
  })
}
