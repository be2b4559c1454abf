/**
 * Constructors for constant tensors (inputs, targets, masks). Parameters are made with
 * `Parameter` / the init helpers instead.
 */
import { Tensor } from "./Tensor.js"

/** From nested rows `[[1, 2], [3, 4]]` → [2, 2], or a flat list with an explicit shape. */
export function tensor(rows: ReadonlyArray<ReadonlyArray<number>>, options?: { readonly requiresGrad?: boolean }): Tensor
export function tensor(
  values: ArrayLike<number>,
  shape: readonly [number, number],
  options?: { readonly requiresGrad?: boolean }
): Tensor
export function tensor(
  values: ReadonlyArray<ReadonlyArray<number>> | ArrayLike<number>,
  shapeOrOptions?: readonly [number, number] | { readonly requiresGrad?: boolean },
  options?: { readonly requiresGrad?: boolean }
): Tensor {
  if (Array.isArray(shapeOrOptions)) {
    const [rows, cols] = shapeOrOptions as readonly [number, number]
    return new Tensor(Float64Array.from(values as ArrayLike<number>), rows, cols, options?.requiresGrad ?? false)
  }
  const nested = values as ReadonlyArray<ReadonlyArray<number>>
  const rows = nested.length
  const cols = rows === 0 ? 0 : nested[0]!.length
  const data = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    const row = nested[i]!
    if (row.length !== cols) throw new RangeError(`tensor(): row ${i} has ${row.length} values, expected ${cols}`)
    data.set(row, i * cols)
  }
  const opts = shapeOrOptions as { readonly requiresGrad?: boolean } | undefined
  return new Tensor(data, rows, cols, opts?.requiresGrad ?? false)
}

/** A [1, 1] tensor. */
export const scalar = (value: number, options?: { readonly requiresGrad?: boolean }): Tensor =>
  new Tensor(Float64Array.of(value), 1, 1, options?.requiresGrad ?? false)

/** A column vector [n, 1]. */
export const column = (values: ArrayLike<number>): Tensor =>
  new Tensor(Float64Array.from(values), values.length, 1)

/** A row vector [1, n]. */
export const row = (values: ArrayLike<number>): Tensor => new Tensor(Float64Array.from(values), 1, values.length)

export const full = (rows: number, cols: number, value: number): Tensor =>
  new Tensor(new Float64Array(rows * cols).fill(value), rows, cols)

export const zeros = (rows: number, cols: number): Tensor => new Tensor(new Float64Array(rows * cols), rows, cols)

export const ones = (rows: number, cols: number): Tensor => full(rows, cols, 1)
