/**
 * Training examples in a compact form for the trip to a worker: Polish strings and
 * flat number arrays instead of expression trees and Maps. Cloning 100k parsed
 * examples took seconds and a transient copy of hundreds of megabytes; this form
 * clones in a fraction of that, and the worker parses it back once. Exact: the
 * printer is canonical and numbers print in their shortest round-trip form, so the
 * worker's examples equal the main thread's (the threads-1-vs-2 test checks the weights).
 */
import { Either } from "effect"
import { parse, print } from "../../../domain/Polish.js"
import type { BrainExample, BrainTarget } from "../../../services/Brain.js"

export interface PackedExamples {
  readonly inputs: ReadonlyArray<string>
  /** Example i's bindings are entries bindingStart[i] … bindingStart[i + 1] − 1. */
  readonly bindingStart: Int32Array
  readonly bindingNames: ReadonlyArray<string>
  readonly bindingValues: Float64Array
  /** The number target, or NaN when the target is the expression in `targetExpressions`. */
  readonly targets: Float64Array
  readonly targetExpressions: ReadonlyArray<string>
  /** Example i's subtree values (undefined when subtreeStart[i] is −1) are entries subtreeStart[i] … */
  readonly subtreeStart: Int32Array
  readonly subtreeEnd: Int32Array
  readonly subtreeKeys: ReadonlyArray<string>
  readonly subtreeValues: Float64Array
  /** Example i's affine targets (undefined when affineStart[i] is −1) are entries affineStart[i] … affineEnd[i] − 1 ([α, β] pairs). */
  readonly affineStart: Int32Array
  readonly affineEnd: Int32Array
  readonly affineKeys: ReadonlyArray<string>
  readonly affineValues: Float64Array
}

export const pack = (examples: ReadonlyArray<BrainExample>): PackedExamples => {
  const n = examples.length
  const inputs = new Array<string>(n)
  const bindingStart = new Int32Array(n + 1)
  const bindingNames: Array<string> = []
  const bindingValues: Array<number> = []
  const targets = new Float64Array(n)
  const targetExpressions = new Array<string>(n)
  const subtreeStart = new Int32Array(n)
  const subtreeEnd = new Int32Array(n)
  const subtreeKeys: Array<string> = []
  const subtreeValues: Array<number> = []
  const affineStart = new Int32Array(n)
  const affineEnd = new Int32Array(n)
  const affineKeys: Array<string> = []
  const affineValues: Array<number> = []
  examples.forEach((e, i) => {
    if (e.subtreeAffine === undefined) {
      affineStart[i] = -1
      affineEnd[i] = -1
    } else {
      affineStart[i] = affineKeys.length
      for (const [key, [alpha, beta]] of e.subtreeAffine) {
        affineKeys.push(key)
        affineValues.push(alpha, beta)
      }
      affineEnd[i] = affineKeys.length
    }
    inputs[i] = print(e.input.expr)
    bindingStart[i] = bindingNames.length
    for (const [name, value] of e.input.bindings) {
      bindingNames.push(name)
      bindingValues.push(value)
    }
    targets[i] = e.target._tag === "Number" ? e.target.value : NaN
    targetExpressions[i] = e.target._tag === "Number" ? "" : print(e.target.expr)
    if (e.subtreeValues === undefined) {
      subtreeStart[i] = -1
      subtreeEnd[i] = -1
    } else {
      subtreeStart[i] = subtreeKeys.length
      for (const [key, value] of e.subtreeValues) {
        subtreeKeys.push(key)
        subtreeValues.push(value)
      }
      subtreeEnd[i] = subtreeKeys.length
    }
  })
  bindingStart[n] = bindingNames.length
  return {
    inputs,
    bindingStart,
    bindingNames,
    bindingValues: Float64Array.from(bindingValues),
    targets,
    targetExpressions,
    subtreeStart,
    subtreeEnd,
    subtreeKeys,
    subtreeValues: Float64Array.from(subtreeValues),
    affineStart,
    affineEnd,
    affineKeys,
    affineValues: Float64Array.from(affineValues)
  }
}

const parsed = (text: string) => Either.getOrThrowWith(parse(text), (e) => new Error(`a packed example does not parse: ${e.message}`))

export const unpack = (p: PackedExamples): Array<BrainExample> =>
  p.inputs.map((input, i) => {
    const bindings: Array<readonly [string, number]> = []
    for (let j = p.bindingStart[i] as number; j < (p.bindingStart[i + 1] as number); j++)
      bindings.push([p.bindingNames[j] as string, p.bindingValues[j] as number])
    const value = p.targets[i] as number
    const expression = p.targetExpressions[i] as string
    const target: BrainTarget = expression === "" ? { _tag: "Number", value } : { _tag: "Expression", expr: parsed(expression) }
    const start = p.subtreeStart[i] as number
    let subtreeValues: Map<string, number> | undefined
    if (start >= 0) {
      subtreeValues = new Map()
      for (let j = start; j < (p.subtreeEnd[i] as number); j++) subtreeValues.set(p.subtreeKeys[j] as string, p.subtreeValues[j] as number)
    }
    const affineStart = p.affineStart[i] as number
    let subtreeAffine: Map<string, readonly [number, number]> | undefined
    if (affineStart >= 0) {
      subtreeAffine = new Map()
      for (let j = affineStart; j < (p.affineEnd[i] as number); j++)
        subtreeAffine.set(p.affineKeys[j] as string, [p.affineValues[2 * j] as number, p.affineValues[2 * j + 1] as number])
    }
    return { input: { expr: parsed(input), bindings }, target, subtreeValues, subtreeAffine }
  })
