/**
 * where(mask, a, b): elementwise choice by a constant mask (no gradient to the mask).
 *   mask: [r,c] (a Tensor, or r·c numbers/booleans; nonzero = true)
 *   a, b: broadcastable to [r,c] (see broadcast.ts)   → [r,c]
 *   y = mask ? a : b;  ga += mask ? g : 0;  gb += mask ? 0 : g
 */
import { fromOp, Tensor } from "../Tensor.js"
import { broadcast } from "./broadcast.js"

export type Mask = Tensor | ArrayLike<number> | ReadonlyArray<boolean>

export const where = (mask: Mask, a: Tensor, b: Tensor): Tensor => {
  const { rows, cols, ars, acs, brs, bcs } = broadcast("where", a, b)
  const source = mask instanceof Tensor ? mask.data : mask
  if (source.length !== rows * cols) throw new RangeError(`where: mask has ${source.length} values, output ${rows * cols}`)
  // a private copy: the backward pass must not see later changes by the caller
  const M = new Uint8Array(source.length)
  for (let i = 0; i < M.length; i++) M[i] = source[i] ? 1 : 0
  const A = a.data
  const B = b.data
  const Y = new Float64Array(rows * cols)
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) {
      Y[o] = M[o] ? A[ia]! : B[ib]!
    }
  }
  return fromOp("where", Y, rows, cols, [a, b], (g) => {
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    for (let i = 0, o = 0; i < rows; i++) {
      for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) {
        if (M[o]) {
          if (ga !== null) ga[ia]! += g[o]!
        } else if (gb !== null) gb[ib]! += g[o]!
      }
    }
  })
}
