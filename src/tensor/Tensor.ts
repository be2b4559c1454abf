/**
 * The autograd tensor: a row-major 2-D array of float64 values that remembers the op
 * that made it, so that `backward()` can send gradients back to its inputs.
 *
 * Shapes are always [rows, cols]; a scalar is [1, 1], a row vector [1, c], a column
 * vector [r, 1]. Float64 throughout: the brain must reach 1e-3 relative accuracy and
 * its gradients must pass central finite-difference checks.
 *
 * An op is a plain function that computes its output and hands `fromOp` a closure
 * that, given the output's gradient, accumulates into its inputs' gradients.
 * Gradients of leaves (parameters, inputs) accumulate across `backward()` calls until
 * zeroed; gradients of intermediate results are recomputed from scratch each time.
 */

export type Shape = readonly [rows: number, cols: number]

/** Accumulates the output gradient `g` into the inputs' gradients. */
export type BackwardFn = (g: Float64Array) => void

let gradEnabled = true

/** Whether ops currently record the graph (false inside `noGrad`). */
export const isGradEnabled = (): boolean => gradEnabled

/** Runs `f` without recording a graph: evaluation, finite differences, optimizer maths. */
export const noGrad = <A>(f: () => A): A => {
  const previous = gradEnabled
  gradEnabled = false
  try {
    return f()
  } finally {
    gradEnabled = previous
  }
}

export class Tensor {
  readonly data: Float64Array
  readonly rows: number
  readonly cols: number
  /** d(loss)/d(this), same layout as `data`; allocated on first use. */
  grad: Float64Array | null = null
  requiresGrad: boolean
  /** The op that produced this tensor ("leaf" for inputs and parameters). */
  readonly op: string
  /** Inputs of the op; emptied after `backward()` unless the graph is retained. */
  parents: ReadonlyArray<Tensor>
  backwardFn: BackwardFn | null
  /** Traversal mark used by `backward()` (avoids a Set per call). */
  visitMark = 0

  constructor(
    data: Float64Array,
    rows: number,
    cols: number,
    requiresGrad = false,
    op = "leaf",
    parents: ReadonlyArray<Tensor> = [],
    backwardFn: BackwardFn | null = null
  ) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`Tensor: bad shape [${rows}, ${cols}]`)
    }
    if (data.length !== rows * cols) {
      throw new RangeError(`Tensor: ${data.length} values do not fill shape [${rows}, ${cols}]`)
    }
    this.data = data
    this.rows = rows
    this.cols = cols
    this.requiresGrad = requiresGrad
    this.op = op
    this.parents = parents
    this.backwardFn = backwardFn
  }

  get shape(): Shape {
    return [this.rows, this.cols]
  }

  get size(): number {
    return this.data.length
  }

  /** The value of a [1, 1] tensor. */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`item(): tensor has shape [${this.rows}, ${this.cols}]`)
    return this.data[0]!
  }

  get(row: number, col: number): number {
    return this.data[row * this.cols + col]!
  }

  toArray(): Array<Array<number>> {
    const out: Array<Array<number>> = []
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)))
    return out
  }

  /** Same values, cut from the graph. Shares `data`. */
  detach(): Tensor {
    return new Tensor(this.data, this.rows, this.cols)
  }

  /** The gradient buffer, allocated (zeros) on first use. */
  gradBuffer(): Float64Array {
    return (this.grad ??= new Float64Array(this.data.length))
  }

  zeroGrad(): void {
    if (this.grad !== null) this.grad.fill(0)
  }

  /**
   * Reverse-mode differentiation from this tensor. A non-scalar tensor needs the seed
   * gradient `grad` (d loss / d this). Iterative topological sort: graphs of 100k nodes
   * do not overflow the stack.
   */
  backward(grad?: Float64Array, options?: { readonly retainGraph?: boolean }): void {
    backward(this, grad, options)
  }

  toString(): string {
    return `Tensor[${this.rows}, ${this.cols}](${this.op})`
  }
}

/**
 * Builds an op's output. The graph is recorded only when grad mode is on and some input
 * requires a gradient; otherwise the backward closure is dropped.
 */
export const fromOp = (
  op: string,
  data: Float64Array,
  rows: number,
  cols: number,
  parents: ReadonlyArray<Tensor>,
  backwardFn: BackwardFn
): Tensor => {
  if (gradEnabled) {
    for (let i = 0; i < parents.length; i++) {
      if (parents[i]!.requiresGrad) return new Tensor(data, rows, cols, true, op, parents, backwardFn)
    }
  }
  return new Tensor(data, rows, cols, false, op)
}

let currentMark = 0

/** See `Tensor.backward`. */
export const backward = (
  root: Tensor,
  seed?: Float64Array,
  options?: { readonly retainGraph?: boolean }
): void => {
  if (!root.requiresGrad) throw new Error("backward(): tensor does not require grad")
  if (seed === undefined && root.size !== 1) {
    throw new RangeError(`backward(): a seed gradient is needed for shape [${root.rows}, ${root.cols}]`)
  }
  if (seed !== undefined && seed.length !== root.size) {
    throw new RangeError(`backward(): seed has ${seed.length} values, tensor has ${root.size}`)
  }

  // Post-order DFS with an explicit stack of (node, next parent index).
  const mark = ++currentMark
  const order: Array<Tensor> = []
  const nodes: Array<Tensor> = [root]
  const next: Array<number> = [0]
  root.visitMark = mark
  while (nodes.length > 0) {
    const top = nodes.length - 1
    const node = nodes[top]!
    const i = next[top]!
    if (i < node.parents.length) {
      next[top] = i + 1
      const parent = node.parents[i]!
      if (parent.requiresGrad && parent.visitMark !== mark) {
        parent.visitMark = mark
        nodes.push(parent)
        next.push(0)
      }
    } else {
      nodes.pop()
      next.pop()
      order.push(node)
    }
  }

  // Intermediate results start from zero; leaves keep accumulating.
  for (const node of order) if (node.backwardFn !== null) node.grad = null
  const rootGrad = root.gradBuffer()
  if (seed === undefined) rootGrad[0]! += 1
  else for (let i = 0; i < seed.length; i++) rootGrad[i]! += seed[i]!

  const retain = options?.retainGraph ?? false
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!
    const fn = node.backwardFn
    if (fn === null) continue
    fn(node.gradBuffer())
    if (!retain) {
      node.backwardFn = null
      node.parents = []
    }
  }
}
