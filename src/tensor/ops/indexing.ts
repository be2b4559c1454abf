/**
 * Row gather and scatter by an index array — the message-passing steps of the brain
 * (nodes of equal height across a batch are gathered, computed together, scattered).
 *   gather(x, idx)              x[n,c], idx[r]           → [r,c]   y_i = x_{idx_i}
 *   segmentSum(x, idx, n)       x[r,c], idx[r]           → [n,c]   y_s = Σ_{i: idx_i = s} x_i
 *   scatterAdd(base, idx, src)  base[n,c], src[r,c]      → [n,c]   base + segmentSum(src, idx, n)
 * gather and segmentSum are each other's adjoint; indices may repeat.
 */
import { fromOp, type Tensor } from "../Tensor.js"
import { add } from "./arithmetic.js"

export type Index = Int32Array | Uint32Array | ReadonlyArray<number>

/** A checked private copy (the backward pass must not see later changes by the caller). */
const checkedIndex = (op: string, index: Index, bound: number): Int32Array => {
  const copy = new Int32Array(index.length)
  for (let i = 0; i < index.length; i++) {
    const s = index[i]!
    if (!(s >= 0 && s < bound && Number.isInteger(s))) {
      throw new RangeError(`${op}: index[${i}] = ${s} is outside [0, ${bound})`)
    }
    copy[i] = s
  }
  return copy
}

/** Rows of x picked by idx. x[n,c] → [r,c]. */
export const gather = (x: Tensor, idx: Index): Tensor => {
  const c = x.cols
  const r = idx.length
  const index = checkedIndex("gather", idx, x.rows)
  const X = x.data
  const Y = new Float64Array(r * c)
  for (let i = 0; i < r; i++) {
    const from = index[i]! * c
    for (let j = 0, o = i * c; j < c; j++, o++) Y[o] = X[from + j]!
  }
  return fromOp("gather", Y, r, c, [x], (g) => {
    // gx_{idx_i} += g_i
    const gx = x.gradBuffer()
    for (let i = 0; i < r; i++) {
      const to = index[i]! * c
      for (let j = 0, o = i * c; j < c; j++, o++) gx[to + j]! += g[o]!
    }
  })
}

/** Sums the rows of x into n segments: row i goes to segment idx_i. x[r,c] → [n,c]. */
export const segmentSum = (x: Tensor, idx: Index, segments: number): Tensor => {
  const c = x.cols
  const r = x.rows
  if (idx.length !== r) throw new RangeError(`segmentSum: ${idx.length} indices for ${r} rows`)
  const index = checkedIndex("segmentSum", idx, segments)
  const X = x.data
  const Y = new Float64Array(segments * c)
  for (let i = 0; i < r; i++) {
    const to = index[i]! * c
    for (let j = 0, o = i * c; j < c; j++, o++) Y[to + j]! += X[o]!
  }
  return fromOp("segmentSum", Y, segments, c, [x], (g) => {
    // gx_i += g_{idx_i}
    const gx = x.gradBuffer()
    for (let i = 0; i < r; i++) {
      const from = index[i]! * c
      for (let j = 0, o = i * c; j < c; j++, o++) gx[o]! += g[from + j]!
    }
  })
}

/** base + rows of src added at idx (torch.index_add). base[n,c], src[r,c] → [n,c]. */
export const scatterAdd = (base: Tensor, index: Index, src: Tensor): Tensor => {
  if (src.cols !== base.cols) throw new RangeError(`scatterAdd: src has ${src.cols} columns, base ${base.cols}`)
  return add(base, segmentSum(src, index, base.rows))
}
