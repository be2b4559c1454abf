/**
 * Elementwise arithmetic with broadcasting (see broadcast.ts), and the constant forms
 * neg / scale / addScalar. Each op: forward loop, then its backward beside it.
 *
 * All binary loops walk the output [rows, cols] row by row; `ia`, `ib` follow the
 * operands' strides (0 along a broadcast axis), so the backward loops accumulate
 * broadcast operands' gradients by summation for free.
 */
import { fromOp, type Tensor } from "../Tensor.js"
import { broadcast } from "./broadcast.js"

/** a + b. a: [r,c] | [1,c] | [r,1] | [1,1], b likewise → [r,c]. */
export const add = (a: Tensor, b: Tensor): Tensor => {
  const { rows, cols, ars, acs, brs, bcs } = broadcast("add", a, b)
  const A = a.data
  const B = b.data
  const out = new Float64Array(rows * cols)
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) out[o] = A[ia]! + B[ib]!
  }
  return fromOp("add", out, rows, cols, [a, b], (g) => {
    // d/da = 1, d/db = 1
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    for (let i = 0, o = 0; i < rows; i++) {
      for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) {
        if (ga !== null) ga[ia]! += g[o]!
        if (gb !== null) gb[ib]! += g[o]!
      }
    }
  })
}

/** a − b, broadcasting as `add`. */
export const sub = (a: Tensor, b: Tensor): Tensor => {
  const { rows, cols, ars, acs, brs, bcs } = broadcast("sub", a, b)
  const A = a.data
  const B = b.data
  const out = new Float64Array(rows * cols)
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) out[o] = A[ia]! - B[ib]!
  }
  return fromOp("sub", out, rows, cols, [a, b], (g) => {
    // d/da = 1, d/db = −1
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    for (let i = 0, o = 0; i < rows; i++) {
      for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) {
        if (ga !== null) ga[ia]! += g[o]!
        if (gb !== null) gb[ib]! -= g[o]!
      }
    }
  })
}

/** a ⊙ b, broadcasting as `add`. */
export const mul = (a: Tensor, b: Tensor): Tensor => {
  const { rows, cols, ars, acs, brs, bcs } = broadcast("mul", a, b)
  const A = a.data
  const B = b.data
  const out = new Float64Array(rows * cols)
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) out[o] = A[ia]! * B[ib]!
  }
  return fromOp("mul", out, rows, cols, [a, b], (g) => {
    // d/da = b, d/db = a
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    for (let i = 0, o = 0; i < rows; i++) {
      for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) {
        if (ga !== null) ga[ia]! += g[o]! * B[ib]!
        if (gb !== null) gb[ib]! += g[o]! * A[ia]!
      }
    }
  })
}

/** a / b, broadcasting as `add`. */
export const div = (a: Tensor, b: Tensor): Tensor => {
  const { rows, cols, ars, acs, brs, bcs } = broadcast("div", a, b)
  const A = a.data
  const B = b.data
  const out = new Float64Array(rows * cols)
  for (let i = 0, o = 0; i < rows; i++) {
    for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) out[o] = A[ia]! / B[ib]!
  }
  return fromOp("div", out, rows, cols, [a, b], (g) => {
    // d/da = 1/b, d/db = −a/b² = −out/b
    const ga = a.requiresGrad ? a.gradBuffer() : null
    const gb = b.requiresGrad ? b.gradBuffer() : null
    for (let i = 0, o = 0; i < rows; i++) {
      for (let j = 0, ia = i * ars, ib = i * brs; j < cols; j++, o++, ia += acs, ib += bcs) {
        const q = g[o]! / B[ib]!
        if (ga !== null) ga[ia]! += q
        if (gb !== null) gb[ib]! -= q * out[o]!
      }
    }
  })
}

/** −x. */
export const neg = (x: Tensor): Tensor => scale(x, -1)

/** c · x for a constant c. */
export const scale = (x: Tensor, c: number): Tensor => {
  const X = x.data
  const out = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) out[i] = c * X[i]!
  return fromOp("scale", out, x.rows, x.cols, [x], (g) => {
    // d/dx = c
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += c * g[i]!
  })
}

/** x + c for a constant c. */
export const addScalar = (x: Tensor, c: number): Tensor => {
  const X = x.data
  const out = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) out[i] = X[i]! + c
  return fromOp("addScalar", out, x.rows, x.cols, [x], (g) => {
    // d/dx = 1
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) gx[i]! += g[i]!
  })
}

/** c − x for a constant c (as in 1 − m). */
export const rsubScalar = (c: number, x: Tensor): Tensor => addScalar(scale(x, -1), c)
