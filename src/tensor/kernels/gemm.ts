/**
 * C[n,m] += op(A) · op(B) over row-major Float64Arrays — the one matmul kernel.
 *
 * Operands are read through strides so that one kernel serves a·b, a·bᵀ and aᵀ·b
 * without materialising a transpose:
 *   A(i, p) = A[i * aRow + p * aDepth]     B(p, j) = B[p * bDepth + j * bCol]
 *
 * 4×4 register tiling: each tile keeps 16 accumulators in locals and reads 4 + 4
 * operands per 16 multiply-adds, which is what makes it fast in V8 (no SIMD).
 * Ragged edges fall back to plain dot products.
 */
export const gemm = (
  n: number,
  m: number,
  depth: number,
  A: Float64Array,
  aRow: number,
  aDepth: number,
  B: Float64Array,
  bDepth: number,
  bCol: number,
  C: Float64Array
): void => {
  const n4 = n - (n % 4)
  const m4 = m - (m % 4)
  for (let i = 0; i < n4; i += 4) {
    const a0 = i * aRow
    const a1 = a0 + aRow
    const a2 = a1 + aRow
    const a3 = a2 + aRow
    const c0 = i * m
    const c1 = c0 + m
    const c2 = c1 + m
    const c3 = c2 + m
    for (let j = 0; j < m4; j += 4) {
      const b0 = j * bCol
      const b1 = b0 + bCol
      const b2 = b1 + bCol
      const b3 = b2 + bCol
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0
      for (let p = 0, ap = 0, bp = 0; p < depth; p++, ap += aDepth, bp += bDepth) {
        const x0 = A[a0 + ap]!, x1 = A[a1 + ap]!, x2 = A[a2 + ap]!, x3 = A[a3 + ap]!
        const y0 = B[b0 + bp]!, y1 = B[b1 + bp]!, y2 = B[b2 + bp]!, y3 = B[b3 + bp]!
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3
      }
      C[c0 + j]! += s00; C[c0 + j + 1]! += s01; C[c0 + j + 2]! += s02; C[c0 + j + 3]! += s03
      C[c1 + j]! += s10; C[c1 + j + 1]! += s11; C[c1 + j + 2]! += s12; C[c1 + j + 3]! += s13
      C[c2 + j]! += s20; C[c2 + j + 1]! += s21; C[c2 + j + 2]! += s22; C[c2 + j + 3]! += s23
      C[c3 + j]! += s30; C[c3 + j + 1]! += s31; C[c3 + j + 2]! += s32; C[c3 + j + 3]! += s33
    }
    for (let j = m4; j < m; j++) {
      const b0 = j * bCol
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0
      for (let p = 0, ap = 0, bp = b0; p < depth; p++, ap += aDepth, bp += bDepth) {
        const y = B[bp]!
        s0 += A[a0 + ap]! * y
        s1 += A[a1 + ap]! * y
        s2 += A[a2 + ap]! * y
        s3 += A[a3 + ap]! * y
      }
      C[c0 + j]! += s0
      C[c1 + j]! += s1
      C[c2 + j]! += s2
      C[c3 + j]! += s3
    }
  }
  for (let i = n4; i < n; i++) {
    const a0 = i * aRow
    const c0 = i * m
    for (let j = 0; j < m; j++) {
      let s = 0
      for (let p = 0, ap = a0, bp = j * bCol; p < depth; p++, ap += aDepth, bp += bDepth) s += A[ap]! * B[bp]!
      C[c0 + j]! += s
    }
  }
}
