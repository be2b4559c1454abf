/**
 * The gates of a height level: softmax(G e) over the units, or the one-hot of the locked
 * unit for rows whose gate is locked, and the mix Σₖ gₖ pathₖ they make.
 */
import * as T from "../../../tensor/index.js"
import type { Tensor } from "../../../tensor/index.js"
import { PATH_COUNT, TANGENT_PATH_COUNT } from "../units/paths.js"

/** Rows e_k of the K×K identity (a zero row for k < 0): locked gates as a constant [n, K]. */
export const oneHot = (path: ArrayLike<number>, K: number = PATH_COUNT): Tensor => {
  const hard = new Float64Array(path.length * K)
  for (let i = 0; i < path.length; i++) {
    const k = path[i] as number
    if (k >= 0 && k < K) hard[i * K + k] = 1
  }
  return new T.Tensor(hard, path.length, K)
}
const IDENTITIES = [PATH_COUNT, TANGENT_PATH_COUNT].map((K) => oneHot(Array.from({ length: K }, (_, k) => k), K))
const identity = (K: number): Tensor => IDENTITIES[K === PATH_COUNT ? 0 : 1] as Tensor

/** Gates as a tensor [n, K] (locked rows as their one-hot rows). */
export const gateTensor = (gates: Int32Array | Tensor, K: number = PATH_COUNT): Tensor => (gates instanceof Int32Array ? oneHot(gates, K) : gates)

/**
 * The gates of rows with heads `headRows`: softmax of their rows of the gate table [H, K]
 * (`logits`, computed once per forward and only if some row is still unlocked), one-hot
 * for rows whose head's unit is locked (`lockedPath`, −1 = still mixing). When every row is
 * locked the gates are constants (soft gates would get a zero gradient) and only each
 * row's unit is returned.
 */
export const levelGates = (lockedPath: Int32Array, headRows: Int32Array, logits: () => Tensor, K: number): Int32Array | Tensor => {
  const n = headRows.length
  const path = new Int32Array(n)
  let locked = 0
  for (let i = 0; i < n; i++) {
    const k = lockedPath[headRows[i] as number] as number
    path[i] = k
    if (k >= 0) locked++
  }
  if (locked === n) return path
  const soft = T.softmax(T.gather(logits(), headRows))
  if (locked === 0) return soft
  const mask = new Float64Array(n * K)
  for (let i = 0; i < n; i++) if ((path[i] as number) >= 0) mask.fill(1, i * K, (i + 1) * K)
  return T.where(mask, oneHot(path, K), soft)
}

/**
 * Σₖ gₖ xₖ for every row of x [n, K]: with every gate locked, the locked unit's column (row k
 * of the identity · x). A row locked to a unit x has no column for (the readout, in a batch
 * without an unknown) reads NaN: that head has no value there.
 */
export const mix = (gates: Int32Array | Tensor, x: Tensor, K: number): Tensor => {
  if (!(gates instanceof Int32Array)) return T.rowDot(gates, undefined, x, undefined)
  if (gates.every((k) => k < K)) return T.rowDot(identity(K), gates, x, undefined)
  const unitless = T.column(Array.from(gates, (k) => (k >= K ? NaN : 0)))
  return T.add(T.rowDot(identity(K), gates.map((k) => (k >= K ? 0 : k)), x, undefined), unitless)
}
