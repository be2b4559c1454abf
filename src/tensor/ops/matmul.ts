/**
 * Matrix products. All three share the strided kernel in kernels/gemm.ts, and each
 * one's backward is two products of the other forms (no transpose is materialised):
 *   matmul(a, b)    a[n,k] · b[k,m]   → [n,m]   ga = g·bᵀ   gb = aᵀ·g
 *   matmulNT(a, b)  a[n,k] · b[m,k]ᵀ  → [n,m]   ga = g·b    gb = gᵀ·a
 *   matmulTN(a, b)  a[k,n]ᵀ · b[k,m]  → [n,m]   ga = b·gᵀ   gb = a·g
 */
import { fromOp, type Tensor } from "../Tensor.js"
import { gemm } from "../kernels/gemm.js"

// C[n,m] += X[n,k] · Y[k,m]
const nn = (n: number, k: number, m: number, X: Float64Array, Y: Float64Array, C: Float64Array): void =>
  gemm(n, m, k, X, k, 1, Y, m, 1, C)
// C[n,m] += X[n,k] · Y[m,k]ᵀ
const nt = (n: number, k: number, m: number, X: Float64Array, Y: Float64Array, C: Float64Array): void =>
  gemm(n, m, k, X, k, 1, Y, 1, k, C)
// C[n,m] += X[k,n]ᵀ · Y[k,m]
const tn = (n: number, k: number, m: number, X: Float64Array, Y: Float64Array, C: Float64Array): void =>
  gemm(n, m, k, X, 1, n, Y, m, 1, C)

const mismatch = (op: string, a: Tensor, b: Tensor): RangeError =>
  new RangeError(`${op}: shapes [${a.rows}, ${a.cols}] and [${b.rows}, ${b.cols}] do not multiply`)

/** a[n,k] · b[k,m] → [n,m]. */
export const matmul = (a: Tensor, b: Tensor): Tensor => {
  const n = a.rows
  const k = a.cols
  const m = b.cols
  if (b.rows !== k) throw mismatch("matmul", a, b)
  const out = new Float64Array(n * m)
  nn(n, k, m, a.data, b.data, out)
  return fromOp("matmul", out, n, m, [a, b], (g) => {
    if (a.requiresGrad) nt(n, m, k, g, b.data, a.gradBuffer()) // ga[n,k] += g[n,m] · b[k,m]ᵀ
    if (b.requiresGrad) tn(k, n, m, a.data, g, b.gradBuffer()) // gb[k,m] += a[n,k]ᵀ · g[n,m]
  })
}

/** a[n,k] · b[m,k]ᵀ → [n,m] (a Linear layer with PyTorch's weight layout [out, in]). */
export const matmulNT = (a: Tensor, b: Tensor): Tensor => {
  const n = a.rows
  const k = a.cols
  const m = b.rows
  if (b.cols !== k) throw mismatch("matmulNT", a, b)
  const out = new Float64Array(n * m)
  nt(n, k, m, a.data, b.data, out)
  return fromOp("matmulNT", out, n, m, [a, b], (g) => {
    if (a.requiresGrad) nn(n, m, k, g, b.data, a.gradBuffer()) // ga[n,k] += g[n,m] · b[m,k]
    if (b.requiresGrad) tn(m, n, k, g, a.data, b.gradBuffer()) // gb[m,k] += g[n,m]ᵀ · a[n,k]
  })
}

/** a[k,n]ᵀ · b[k,m] → [n,m]. */
export const matmulTN = (a: Tensor, b: Tensor): Tensor => {
  const k = a.rows
  const n = a.cols
  const m = b.cols
  if (b.rows !== k) throw mismatch("matmulTN", a, b)
  const out = new Float64Array(n * m)
  tn(n, k, m, a.data, b.data, out)
  return fromOp("matmulTN", out, n, m, [a, b], (g) => {
    if (a.requiresGrad) nt(k, m, n, b.data, g, a.gradBuffer()) // ga[k,n] += b[k,m] · g[n,m]ᵀ
    if (b.requiresGrad) nn(k, n, m, a.data, g, b.gradBuffer()) // gb[k,m] += a[k,n] · g[n,m]
  })
}
