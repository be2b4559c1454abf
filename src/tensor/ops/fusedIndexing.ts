/**
 * Gathers fused with what usually follows them, so that no [r, c] intermediate (and
 * no gradient of one) is allocated:
 *   rowDot(x, ix, y, iy)      x[n,c], y[m,c]          → [r,1]   out_i = Σ_j x[ix_i, j] · y[iy_i, j]
 *                             (= sumCols(mul(gather(x, ix), gather(y, iy))); an index left out is 0 … r−1)
 *   gatherConcat(parts, idx)  parts[k]: [r_k, c]      → [r,c]   = gather(concatRows(parts), idx)
 * Forward and backward side by side; indices may repeat.
 */
import { fromOp, type Tensor } from "../Tensor.js"
import type { Index } from "./indexing.js"

const checkedIndex = (op: string, index: Index, bound: number): Int32Array => {
  const copy = new Int32Array(index.length) // private: backward must not see later changes by the caller
  for (let i = 0; i < index.length; i++) {
    const s = index[i]!
    if (!(s >= 0 && s < bound && Number.isInteger(s))) throw new RangeError(`${op}: index[${i}] = ${s} is outside [0, ${bound})`)
    copy[i] = s
  }
  return copy
}

/** Row-wise dot products of (optionally gathered) rows: Σ_j x[ix_i, j] · y[iy_i, j] → [r, 1]. */
export const rowDot = (x: Tensor, ix: Index | undefined, y: Tensor, iy: Index | undefined): Tensor => {
  const c = x.cols
  if (y.cols !== c) throw new RangeError(`rowDot: ${x.cols} and ${y.cols} columns`)
  const r = ix !== undefined ? ix.length : iy !== undefined ? iy.length : x.rows
  if (ix === undefined && x.rows !== r) throw new RangeError(`rowDot: x has ${x.rows} rows for ${r} products`)
  if (iy === undefined && y.rows !== r) throw new RangeError(`rowDot: y has ${y.rows} rows for ${r} products`)
  if (iy !== undefined && iy.length !== r) throw new RangeError(`rowDot: ${ix?.length} and ${iy.length} indices`)
  const xi = ix === undefined ? null : checkedIndex("rowDot", ix, x.rows)
  const yi = iy === undefined ? null : checkedIndex("rowDot", iy, y.rows)
  const X = x.data
  const Y = y.data
  const out = new Float64Array(r)
  for (let i = 0; i < r; i++) {
    const a = (xi === null ? i : xi[i]!) * c
    const b = (yi === null ? i : yi[i]!) * c
    let s = 0
    for (let j = 0; j < c; j++) s += X[a + j]! * Y[b + j]!
    out[i] = s
  }
  return fromOp("rowDot", out, r, 1, [x, y], (g) => {
    // gx[ix_i] += g_i · y[iy_i],  gy[iy_i] += g_i · x[ix_i]
    const gx = x.requiresGrad ? x.gradBuffer() : null
    const gy = y.requiresGrad ? y.gradBuffer() : null
    for (let i = 0; i < r; i++) {
      const gi = g[i]!
      if (gi === 0) continue
      const a = (xi === null ? i : xi[i]!) * c
      const b = (yi === null ? i : yi[i]!) * c
      for (let j = 0; j < c; j++) {
        if (gx !== null) gx[a + j]! += gi * Y[b + j]!
        if (gy !== null) gy[b + j]! += gi * X[a + j]!
      }
    }
  })
}

/** Rows idx of the row-concatenation of parts, without building it: gather(concatRows(parts), idx). */
export const gatherConcat = (parts: ReadonlyArray<Tensor>, idx: Index): Tensor => {
  const xs = [...parts]
  if (xs.length === 0) throw new RangeError("gatherConcat: no parts")
  const c = xs[0]!.cols
  const offsets = new Int32Array(xs.length + 1)
  xs.forEach((x, k) => {
    if (x.cols !== c) throw new RangeError(`gatherConcat: part ${k} has ${x.cols} columns, expected ${c}`)
    offsets[k + 1] = offsets[k]! + x.rows
  })
  const index = checkedIndex("gatherConcat", idx, offsets[xs.length]!)
  const r = index.length
  const out = new Float64Array(r * c)
  for (let i = 0; i < r; i++) {
    const s = index[i]!
    let k = 0
    while (s >= offsets[k + 1]!) k++ // the part holding row s (parts are few)
    const X = xs[k]!.data
    const from = (s - offsets[k]!) * c
    for (let j = 0, o = i * c; j < c; j++, o++) out[o] = X[from + j]!
  }
  return fromOp("gatherConcat", out, r, c, xs, (g) => {
    const grads: Array<Float64Array | null | undefined> = new Array(xs.length) // allocated when first touched
    for (let i = 0; i < r; i++) {
      const s = index[i]!
      let k = 0
      while (s >= offsets[k + 1]!) k++
      let gx = grads[k]
      if (gx === undefined) gx = grads[k] = xs[k]!.requiresGrad ? xs[k]!.gradBuffer() : null
      if (gx === null) continue
      const to = (s - offsets[k]!) * c
      for (let j = 0, o = i * c; j < c; j++, o++) gx[to + j]! += g[o]!
    }
  })
}

/**
 * Attention pooling within segments: row i of scores/values belongs to segment idx_i, and
 *   w_i = e^{clamp(score_i, −limit, limit)},   out_s = Σ_{i ∈ s} w_i v_i / Σ_{i ∈ s} w_i   → [segments, 1]
 * (= segmentSum(mul(div(w, gather(segmentSum(w, idx), idx)), values), idx) with w = exp(clamp(scores)),
 * the same operations in the same order; the clamp keeps e^s finite without subtracting a
 * maximum). A segment with no rows gives 0. scores, values: [r, 1].
 *   ∂out_s/∂v_i = w_i / W_s,   ∂out_s/∂score_i = w_i (v_i − out_s) / W_s   (0 where the clamp is active)
 */
export const segmentSoftmaxPool = (scores: Tensor, values: Tensor, idx: Index, segments: number, limit: number): Tensor => {
  const r = scores.rows
  if (scores.cols !== 1 || values.cols !== 1 || values.rows !== r)
    throw new RangeError(`segmentSoftmaxPool: scores [${scores.rows}, ${scores.cols}] and values [${values.rows}, ${values.cols}] must be [r, 1]`)
  if (idx.length !== r) throw new RangeError(`segmentSoftmaxPool: ${idx.length} indices for ${r} rows`)
  const index = checkedIndex("segmentSoftmaxPool", idx, segments)
  const S = scores.data
  const V = values.data
  const w = new Float64Array(r)
  const total = new Float64Array(segments)
  for (let i = 0; i < r; i++) {
    const s = S[i]!
    w[i] = Math.exp(s < -limit ? -limit : s > limit ? limit : s)
    total[index[i]!]! += w[i]!
  }
  const out = new Float64Array(segments)
  for (let i = 0; i < r; i++) {
    const k = index[i]!
    out[k]! += (w[i]! / total[k]!) * V[i]!
  }
  return fromOp("segmentSoftmaxPool", out, segments, 1, [scores, values], (g) => {
    const gs = scores.requiresGrad ? scores.gradBuffer() : null
    const gv = values.requiresGrad ? values.gradBuffer() : null
    for (let i = 0; i < r; i++) {
      const k = index[i]!
      const gk = g[k]!
      if (gk === 0) continue
      const weight = w[i]! / total[k]!
      if (gv !== null) gv[i]! += gk * weight
      const s = S[i]!
      if (gs !== null && s >= -limit && s <= limit) gs[i]! += gk * weight * (V[i]! - out[k]!)
    }
  })
}
