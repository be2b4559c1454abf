/**
 * The last stage of the forward pass: the roots' values, unit values and gates, and every
 * row's on first read (the main objective reads only the roots).
 */
import * as T from "../../../tensor/index.js"
import type { Tensor } from "../../../tensor/index.js"
import type { FeaturizedBatch, HeightLevel } from "../featurize.js"
import { gateTensor, oneHot } from "./gates.js"
import type { BrainForward, LevelPaths } from "./types.js"

/** The height level of each root and its index in that level (roots are operator rows). */
const levelOf = (batch: FeaturizedBatch, r: number): { readonly level: number; readonly local: number } => {
  const l = batch.levels.findIndex((level) => r < level.start + level.count)
  return { level: l, local: r - (batch.levels[l] as HeightLevel).start }
}

/**
 * The forward's output from the nodes' values (and tangents) by part ([leaves], [level 1],
 * …) and each level's unit values and gates, with K units.
 */
export const readOut = (
  batch: FeaturizedBatch,
  K: number,
  valueParts: ReadonlyArray<Tensor>,
  tangentParts: ReadonlyArray<Tensor>,
  pathRows: ReadonlyArray<LevelPaths>,
  gateRows: ReadonlyArray<Int32Array | Tensor>
): BrainForward => {
  const leafValues = valueParts[0] as Tensor
  // Leaves carry their value on every path, with uniform gates (built only if read).
  const leafPaths = () => T.matmul(leafValues, T.ones(1, K))
  const leafGates = () => T.full(batch.leafCount, K, 1 / K)
  const leafRoot = batch.roots.some((r) => r < batch.leafCount)
  const atRoots = (leaf: () => Tensor, levels: Array<Tensor>): Tensor =>
    leafRoot || levels.length === 0
      ? T.gather(T.concatRows([leaf(), ...levels]), batch.roots)
      : T.gatherConcat(levels, batch.roots.map((r) => r - batch.leafCount))
  const rootGates = (): Tensor => {
    if (leafRoot || !gateRows.every((g) => g instanceof Int32Array)) return atRoots(leafGates, gateRows.map((g) => gateTensor(g, K)))
    // all locked: the one-hot rows of the roots' units, built for the roots only
    const path = batch.roots.map((r) => {
      const { level, local } = levelOf(batch, r)
      return (gateRows[level] as Int32Array)[local] as number
    })
    return oneHot(path, K)
  }
  const rootPaths = (): Tensor => {
    if (leafRoot || pathRows.length === 0) return atRoots(leafPaths, pathRows.map((p) => p.all()))
    // Each level's roots (by their index in the level), then every root's place among them.
    const local = batch.levels.map(() => [] as Array<number>)
    const place = batch.roots.map((r) => {
      const at = levelOf(batch, r)
      local[at.level]!.push(at.local)
      return at.level
    })
    const used = local.flatMap((rows, l) => (rows.length > 0 ? [l] : []))
    const offset = new Map<number, number>()
    used.reduce((at, l) => (offset.set(l, at), at + local[l]!.length), 0)
    const seen = new Map<number, number>()
    const index = place.map((l) => {
      const k = seen.get(l) ?? 0
      seen.set(l, k + 1)
      return (offset.get(l) as number) + k
    })
    return T.gatherConcat(used.map((l) => (pathRows[l] as LevelPaths).at(Int32Array.from(local[l]!))), index)
  }
  let values: Tensor | undefined
  let tangents: Tensor | undefined
  let paths: Tensor | undefined
  let gates: Tensor | undefined
  return {
    output: T.gatherConcat(valueParts, batch.roots),
    rootPaths: rootPaths(),
    rootGates: rootGates(),
    // All rows, concatenated on first read.
    get values() {
      return (values ??= T.concatRows(valueParts))
    },
    get tangents() {
      if (tangentParts.length === 0) return undefined
      return (tangents ??= T.concatRows(tangentParts))
    },
    get paths() {
      return (paths ??= T.concatRows([leafPaths(), ...pathRows.map((p) => p.all())]))
    },
    get gates() {
      return (gates ??= T.concatRows([leafGates(), ...gateRows.map((g) => gateTensor(g, K))]))
    }
  }
}
