/**
 * The cost of the edges between one ordered pair of mapped nodes.
 *
 * Between nodes x → y of graph a there is a multiset P of argument positions (one per
 * edge; expression graphs have at most one), between their images x' → y' in b a
 * multiset Q. The cheapest way to turn P into Q keeps as many equal positions as
 * possible (cost 0), relabels as many of the rest as possible (cost (ins+del)/2,
 * never dearer than a deletion plus an insertion), and deletes or inserts the
 * remainder. Both arrays must be sorted ascending.
 */
export interface EdgeCostTable {
  readonly insertion: number
  readonly deletion: number
  readonly relabel: number
}

/** Size of the multiset intersection of two ascending arrays. */
export const commonCount = (p: ArrayLike<number>, q: ArrayLike<number>): number => {
  let i = 0
  let j = 0
  let k = 0
  while (i < p.length && j < q.length) {
    const x = p[i] as number
    const y = q[j] as number
    if (x === y) {
      k++
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return k
}

export const pairCost = (p: ArrayLike<number>, q: ArrayLike<number>, c: EdgeCostTable): number => {
  const lp = p.length
  const lq = q.length
  if (lp === 0) return lq * c.insertion
  if (lq === 0) return lp * c.deletion
  if (lp === 1 && lq === 1) return p[0] === q[0] ? 0 : c.relabel
  const k = commonCount(p, q)
  const r = Math.min(lp, lq) - k
  return r * c.relabel + (lp - k - r) * c.deletion + (lq - k - r) * c.insertion
}
