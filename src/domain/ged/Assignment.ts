/**
 * Minimum-cost assignment on a square matrix (the Hungarian method with potentials,
 * O(n³)). Used for the lower bound of the exact search and for the bipartite upper
 * bound. A solver owns its work arrays, so the search can call it at every node of
 * its tree without allocating.
 */
export interface AssignmentSolver {
  /**
   * Solves the n×n problem whose costs are `cost[row * n + col]` (finite numbers).
   * Returns the minimum total and leaves the optimal column of each row in `rowToCol`.
   */
  readonly solve: (cost: Float64Array, n: number) => number
  readonly rowToCol: Int32Array
}

export const makeAssignmentSolver = (capacity: number): AssignmentSolver => {
  const size = capacity + 1
  const u = new Float64Array(size)
  const v = new Float64Array(size)
  const minv = new Float64Array(size)
  const p = new Int32Array(size)
  const way = new Int32Array(size)
  const used = new Uint8Array(size)
  const rowToCol = new Int32Array(capacity)

  const solve = (cost: Float64Array, n: number): number => {
    if (n > capacity) throw new RangeError(`assignment of size ${n} exceeds capacity ${capacity}`)
    if (n === 0) return 0
    u.fill(0, 0, n + 1)
    v.fill(0, 0, n + 1)
    p.fill(0, 0, n + 1)
    way.fill(0, 0, n + 1)
    // Rows and columns are 1-based below; column 0 is the artificial start.
    for (let i = 1; i <= n; i++) {
      p[0] = i
      let j0 = 0
      minv.fill(Infinity, 0, n + 1)
      used.fill(0, 0, n + 1)
      do {
        used[j0] = 1
        const i0 = p[j0] as number
        const base = (i0 - 1) * n - 1
        const ui0 = u[i0] as number
        let delta = Infinity
        let j1 = 0
        for (let j = 1; j <= n; j++) {
          if (used[j]) continue
          const cur = (cost[base + j] as number) - ui0 - (v[j] as number)
          if (cur < (minv[j] as number)) {
            minv[j] = cur
            way[j] = j0
          }
          if ((minv[j] as number) < delta) {
            delta = minv[j] as number
            j1 = j
          }
        }
        for (let j = 0; j <= n; j++) {
          if (used[j]) {
            const row = p[j] as number
            u[row] = (u[row] as number) + delta
            v[j] = (v[j] as number) - delta
          } else minv[j] = (minv[j] as number) - delta
        }
        j0 = j1
      } while (p[j0] !== 0)
      do {
        const j1 = way[j0] as number
        p[j0] = p[j1] as number
        j0 = j1
      } while (j0 !== 0)
    }
    let total = 0
    for (let j = 1; j <= n; j++) {
      const row = (p[j] as number) - 1
      rowToCol[row] = j - 1
      total += cost[row * n + j - 1] as number
    }
    return total
  }

  return { solve, rowToCol }
}
