/**
 * Parameters and modules, with PyTorch's names: a Module finds its parameters by
 * walking its own fields (Parameters, sub-Modules, arrays of either) in declaration
 * order, so names are stable: `encoder.layers.0.weight`.
 */
import { Data } from "effect"
import { Tensor, type Shape } from "./Tensor.js"

/** A leaf tensor that an optimizer updates in place. Always requires grad. */
export class Parameter extends Tensor {
  constructor(data: Float64Array, rows: number, cols: number) {
    super(data, rows, cols, true, "parameter")
  }

  static zeros(rows: number, cols: number): Parameter {
    return new Parameter(new Float64Array(rows * cols), rows, cols)
  }

  static from(values: ArrayLike<number>, rows: number, cols: number): Parameter {
    return new Parameter(Float64Array.from(values), rows, cols)
  }
}

export type StateDict = Readonly<Record<string, Float64Array>>

/** Loading weights that do not fit the module. */
export class StateDictError extends Data.TaggedError("StateDictError")<{
  readonly reason: "Missing" | "Unexpected" | "SizeMismatch"
  readonly key: string
  readonly message: string
}> {}

export abstract class Module {
  /** (name, parameter) pairs in declaration order; a shared parameter is listed once. */
  namedParameters(): Array<readonly [string, Parameter]> {
    const out: Array<readonly [string, Parameter]> = []
    const seen = new Set<Parameter>()
    const visit = (value: unknown, name: string): void => {
      if (value instanceof Parameter) {
        if (!seen.has(value)) {
          seen.add(value)
          out.push([name, value])
        }
      } else if (value instanceof Module) {
        for (const [key, child] of Object.entries(value)) visit(child, name === "" ? key : `${name}.${key}`)
      } else if (Array.isArray(value)) {
        value.forEach((child, i) => visit(child, `${name}.${i}`))
      }
    }
    visit(this, "")
    return out
  }

  parameters(): Array<Parameter> {
    return this.namedParameters().map(([, p]) => p)
  }

  /** Number of scalar weights. */
  parameterCount(): number {
    let n = 0
    for (const p of this.parameters()) n += p.size
    return n
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad()
  }

  /** name → a copy of the values. */
  stateDict(): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {}
    for (const [name, p] of this.namedParameters()) out[name] = p.data.slice()
    return out
  }

  /** name → shape, for checkpoint headers. */
  parameterShapes(): Record<string, Shape> {
    const out: Record<string, Shape> = {}
    for (const [name, p] of this.namedParameters()) out[name] = p.shape
    return out
  }

  /**
   * Copies values in. Throws StateDictError (nothing is written) when a name is
   * missing, a size differs, or — with `strict` (default) — a name is unknown.
   */
  loadStateDict(state: StateDict, options?: { readonly strict?: boolean }): void {
    const named = this.namedParameters()
    for (const [name, p] of named) {
      const values = state[name]
      if (values === undefined) {
        throw new StateDictError({ reason: "Missing", key: name, message: `state dict has no "${name}"` })
      }
      if (values.length !== p.size) {
        throw new StateDictError({
          reason: "SizeMismatch",
          key: name,
          message: `"${name}" has ${values.length} values, the parameter [${p.rows}, ${p.cols}] needs ${p.size}`
        })
      }
    }
    if (options?.strict ?? true) {
      const known = new Set(named.map(([name]) => name))
      for (const key of Object.keys(state)) {
        if (!known.has(key)) {
          throw new StateDictError({ reason: "Unexpected", key, message: `state dict has an unknown entry "${key}"` })
        }
      }
    }
    for (const [name, p] of named) p.data.set(state[name]!)
  }
}
