/**
 * The small dense linear algebra of the unit search: Gaussian elimination, least squares
 * with a tiny ridge, and the direction a homogeneous system leaves free.
 */

/** Solves the k×k system M x = v (Gaussian elimination with partial pivoting); undefined if singular. */
export const solve = (M: Array<Array<number>>, v: Array<number>): Array<number> | undefined => {
  const n = v.length
  const A = M.map((row, i) => [...row, v[i] as number])
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r
    if (!(Math.abs(A[p]![c]!) > 1e-300)) return undefined
    ;[A[c], A[p]] = [A[p]!, A[c]!]
    for (let r = 0; r < n; r++) {
      if (r === c) continue
      const f = A[r]![c]! / A[c]![c]!
      for (let j = c; j <= n; j++) A[r]![j]! -= f * A[c]![j]!
    }
  }
  return A.map((row, i) => row[n]! / row[i]!)
}

/** Least squares y ≈ X β over the rows where every feature and y are finite (a tiny ridge). */
export const leastSquares = (X: Array<Array<number>>, y: Array<number>): Array<number> | undefined => {
  const k = X[0]?.length ?? 0
  const M = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  const v = new Array<number>(k).fill(0)
  let rows = 0
  X.forEach((x, i) => {
    const t = y[i] as number
    if (!Number.isFinite(t) || !x.every(Number.isFinite)) return
    rows++
    for (let p = 0; p < k; p++) {
      v[p]! += x[p]! * t
      for (let q = 0; q < k; q++) M[p]![q]! += x[p]! * x[q]!
    }
  })
  if (rows < k) return undefined
  let trace = 0
  for (let p = 0; p < k; p++) trace += M[p]![p]!
  for (let p = 0; p < k; p++) M[p]![p]! += 1e-12 * trace + 1e-300
  return solve(M, v)
}

/** The unit vector v minimising Σ (xᵢ·v)² (inverse iteration on the Gram matrix). */
export const smallestDirection = (X: Array<Array<number>>): Array<number> | undefined => {
  const k = X[0]?.length ?? 0
  const M = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  for (const x of X) if (x.every(Number.isFinite)) for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) M[p]![q]! += x[p]! * x[q]!
  let trace = 0
  for (let p = 0; p < k; p++) trace += M[p]![p]!
  if (!(trace > 0)) return undefined
  for (let p = 0; p < k; p++) M[p]![p]! += 1e-10 * trace
  let v = Array.from({ length: k }, (_, i) => 1 + 0.1 * i)
  for (let it = 0; it < 30; it++) {
    const w = solve(M, v)
    if (w === undefined) return undefined
    const norm = Math.hypot(...w)
    if (!(norm > 0) || !Number.isFinite(norm)) return undefined
    v = w.map((x) => x / norm)
  }
  return v
}
