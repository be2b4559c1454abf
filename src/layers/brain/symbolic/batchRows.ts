/** Which example and which subtree each row of a featurized batch is (the antitangent learner reads children and points by row). */
import type { Expr } from "../../../domain/Expr.js"
import { nestBinary } from "../../../domain/Grammar.js"
import type { FeaturizedBatch } from "../featurize.js"

export const levelOf = (batch: FeaturizedBatch, row: number): FeaturizedBatch["levels"][number] =>
  batch.levels.find((l) => row >= l.start && row < l.start + l.count) as FeaturizedBatch["levels"][number]

export const exampleOf = (batch: FeaturizedBatch, row: number): number => exampleByRow(batch)[row] as number

const exampleCache = new WeakMap<FeaturizedBatch, Int32Array>()
const exampleByRow = (batch: FeaturizedBatch): Int32Array => {
  let out = exampleCache.get(batch)
  if (out !== undefined) return out
  const total = batch.levels.reduce((n, l) => Math.max(n, l.start + l.count), batch.leafCount)
  out = new Int32Array(total).fill(-1)
  const rows = subtreeRows(batch)
  rows.forEach((example, row) => (out![row] = example))
  exampleCache.set(batch, out)
  return out
}

/** Each row's example: roots down through the children. */
const subtreeRows = (batch: FeaturizedBatch): Map<number, number> => {
  const children = new Map<number, [number, number]>()
  for (const l of batch.levels) for (let j = 0; j < l.count; j++) children.set(l.start + j, [l.child0[j] as number, l.child1[j] as number])
  const out = new Map<number, number>()
  batch.roots.forEach((root, k) => {
    const stack = [root]
    while (stack.length > 0) {
      const r = stack.pop() as number
      if (r === 0 || out.has(r)) continue
      out.set(r, k)
      const c = children.get(r)
      if (c !== undefined) stack.push(c[0], c[1])
    }
  })
  return out
}

/** The (binary-folded) subtree of every row of a batch featurized from `exprs`, in featurize's order. */
export const subtreesByRow = (exprs: ReadonlyArray<Expr>, batch: FeaturizedBatch): Array<Expr | undefined> => {
  const total = batch.levels.reduce((n, l) => Math.max(n, l.start + l.count), batch.leafCount)
  const out = new Array<Expr | undefined>(total).fill(undefined)
  const children = new Map<number, [number, number]>()
  for (const l of batch.levels) for (let j = 0; j < l.count; j++) children.set(l.start + j, [l.child0[j] as number, l.child1[j] as number])
  const assign = (row: number, e: Expr) => {
    out[row] = e
    const c = children.get(row)
    if (c === undefined || (e._tag !== "Op" && e._tag !== "Fn")) return
    const args = nestBinary(e).args
    assign(c[0], args[0] as Expr)
    if (args.length > 1 && c[1] !== 0) assign(c[1], args[1] as Expr)
  }
  exprs.forEach((e, k) => assign(batch.roots[k] as number, e))
  return out
}
