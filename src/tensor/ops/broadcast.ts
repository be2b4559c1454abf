/**
 * Broadcasting of two 2-D operands: along each axis the sizes are equal or one of them
 * is 1 ([r,c] with [1,c], [r,1], [1,1], and [r,1] with [1,c] → [r,c]).
 *
 * An operand is read through strides: element (i, j) of the output reads
 * `data[i * rowStride + j * colStride]`, with a stride of 0 along a broadcast axis.
 * Backward uses the same strides to accumulate, which sums over broadcast axes.
 */
import type { Tensor } from "../Tensor.js"

export interface Broadcast {
  readonly rows: number
  readonly cols: number
  /** Strides of `a`. */
  readonly ars: number
  readonly acs: number
  /** Strides of `b`. */
  readonly brs: number
  readonly bcs: number
}

const axis = (op: string, a: number, b: number, a_: Tensor, b_: Tensor): number => {
  if (a === b || b === 1) return a
  if (a === 1) return b
  throw new RangeError(`${op}: shapes [${a_.rows}, ${a_.cols}] and [${b_.rows}, ${b_.cols}] do not broadcast`)
}

export const broadcast = (op: string, a: Tensor, b: Tensor): Broadcast => {
  const rows = axis(op, a.rows, b.rows, a, b)
  const cols = axis(op, a.cols, b.cols, a, b)
  return {
    rows,
    cols,
    ars: a.rows === 1 ? 0 : a.cols,
    acs: a.cols === 1 ? 0 : 1,
    brs: b.rows === 1 ? 0 : b.cols,
    bcs: b.cols === 1 ? 0 : 1
  }
}
