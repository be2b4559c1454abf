/**
 * Training examples stored column by column: Polish strings and flat number arrays
 * instead of expression trees and Maps, about a fifth of the memory (a level of 80,000
 * parsed examples held 130–200 MiB; this holds it in a few tens). An example is parsed
 * back when a batch reads it, a few microseconds each.
 *
 * The same columns are what a worker thread is sent (they clone in a fraction of the
 * time the trees would). Exact: the printer is canonical and numbers print in their
 * shortest round-trip form, so `at(i)` equals the example appended (the
 * threads-1-vs-2 test checks the trained weights).
 */
import { Either } from "effect"
import { parse, print } from "../../domain/Polish.js"
import type { BrainExample, BrainTarget } from "../../services/Brain.js"

/** What a batch indexes: an array, an ExampleTable, or a concatenation of them. */
export interface ExampleList<E> {
  readonly length: number
  readonly at: (index: number) => E | undefined
}

/** The columns, plain data (structured-cloneable). Example i's entries of a ragged column run from start[i] to start[i + 1] − 1. */
export interface PackedExamples {
  readonly inputs: Array<string>
  readonly bindingStart: Array<number>
  readonly bindingNames: Array<string>
  readonly bindingValues: Array<number>
  /** The number target, or NaN when the target is the expression in `targetExpressions`. */
  readonly targets: Array<number>
  readonly targetExpressions: Array<string>
  /** −1 where the example has no subtree values (undefined, not empty). */
  readonly hasSubtrees: Array<number>
  readonly subtreeStart: Array<number>
  readonly subtreeKeys: Array<string>
  readonly subtreeValues: Array<number>
  readonly hasAffine: Array<number>
  readonly affineStart: Array<number>
  readonly affineKeys: Array<string>
  /** [α, β] per key. */
  readonly affineValues: Array<number>
}

const emptyColumns = (): PackedExamples => ({
  inputs: [],
  bindingStart: [0],
  bindingNames: [],
  bindingValues: [],
  targets: [],
  targetExpressions: [],
  hasSubtrees: [],
  subtreeStart: [0],
  subtreeKeys: [],
  subtreeValues: [],
  hasAffine: [],
  affineStart: [0],
  affineKeys: [],
  affineValues: []
})

const parsed = (text: string) => Either.getOrThrowWith(parse(text), (e) => new Error(`a stored example does not parse: ${e.message}`))

export class ExampleTable implements ExampleList<BrainExample> {
  /** Binding names repeat ("x", "y"): one string each among the rows appended here. */
  private readonly names = new Map<string, string>()

  private constructor(private readonly c: PackedExamples) {}

  static empty(): ExampleTable {
    return new ExampleTable(emptyColumns())
  }

  /** A table over columns another thread packed (`packed()`), without copying them. */
  static fromPacked(columns: PackedExamples): ExampleTable {
    return new ExampleTable(columns)
  }

  /** The examples of any list as a table: a table itself, or copied row by row (a concatenation's tables without parsing). */
  static of(list: ExampleList<BrainExample>): ExampleTable {
    if (list instanceof ExampleTable) return list
    const table = ExampleTable.empty()
    table.appendAll(list)
    return table
  }

  get length(): number {
    return this.c.inputs.length
  }

  /** The columns (shared, not copied): for a worker's message. */
  packed(): PackedExamples {
    return this.c
  }

  private intern(name: string): string {
    const known = this.names.get(name)
    if (known !== undefined) return known
    this.names.set(name, name)
    return name
  }

  append(e: BrainExample): void {
    const c = this.c
    c.inputs.push(print(e.input.expr))
    for (const [name, value] of e.input.bindings) {
      c.bindingNames.push(this.intern(name))
      c.bindingValues.push(value)
    }
    c.bindingStart.push(c.bindingNames.length)
    c.targets.push(e.target._tag === "Number" ? e.target.value : NaN)
    c.targetExpressions.push(e.target._tag === "Number" ? "" : print(e.target.expr))
    c.hasSubtrees.push(e.subtreeValues === undefined ? -1 : 1)
    for (const [key, value] of e.subtreeValues ?? []) {
      c.subtreeKeys.push(key)
      c.subtreeValues.push(value)
    }
    c.subtreeStart.push(c.subtreeKeys.length)
    c.hasAffine.push(e.subtreeAffine === undefined ? -1 : 1)
    for (const [key, [alpha, beta]] of e.subtreeAffine ?? []) {
      c.affineKeys.push(key)
      c.affineValues.push(alpha, beta)
    }
    c.affineStart.push(c.affineKeys.length)
  }

  /** Row `i` of another table, copied as it is stored (no parsing, no printing). */
  appendRow(from: ExampleTable, i: number): void {
    const c = this.c
    const f = from.c
    c.inputs.push(f.inputs[i] as string)
    for (let j = f.bindingStart[i] as number; j < (f.bindingStart[i + 1] as number); j++) {
      c.bindingNames.push(this.intern(f.bindingNames[j] as string))
      c.bindingValues.push(f.bindingValues[j] as number)
    }
    c.bindingStart.push(c.bindingNames.length)
    c.targets.push(f.targets[i] as number)
    c.targetExpressions.push(f.targetExpressions[i] as string)
    c.hasSubtrees.push(f.hasSubtrees[i] as number)
    for (let j = f.subtreeStart[i] as number; j < (f.subtreeStart[i + 1] as number); j++) {
      c.subtreeKeys.push(f.subtreeKeys[j] as string)
      c.subtreeValues.push(f.subtreeValues[j] as number)
    }
    c.subtreeStart.push(c.subtreeKeys.length)
    c.hasAffine.push(f.hasAffine[i] as number)
    for (let j = f.affineStart[i] as number; j < (f.affineStart[i + 1] as number); j++) {
      c.affineKeys.push(f.affineKeys[j] as string)
      c.affineValues.push(f.affineValues[2 * j] as number, f.affineValues[2 * j + 1] as number)
    }
    c.affineStart.push(c.affineKeys.length)
  }

  /** Every example of `list`, in order (rows of tables copied as stored). */
  appendAll(list: ExampleList<BrainExample>): void {
    if (list instanceof ExampleTable) {
      for (let i = 0; i < list.length; i++) this.appendRow(list, i)
      return
    }
    if (list instanceof ConcatList) {
      for (const part of list.parts) this.appendAll(part)
      return
    }
    for (let i = 0; i < list.length; i++) this.append(list.at(i) as BrainExample)
  }

  /** A new table of the rows at `indices`, in that order. */
  select(indices: ReadonlyArray<number>): ExampleTable {
    const out = ExampleTable.empty()
    for (const i of indices) out.appendRow(this, i)
    return out
  }

  at(index: number): BrainExample | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined
    const c = this.c
    const bindings: Array<readonly [string, number]> = []
    for (let j = c.bindingStart[index] as number; j < (c.bindingStart[index + 1] as number); j++)
      bindings.push([c.bindingNames[j] as string, c.bindingValues[j] as number])
    const expression = c.targetExpressions[index] as string
    const target: BrainTarget = expression === "" ? { _tag: "Number", value: c.targets[index] as number } : { _tag: "Expression", expr: parsed(expression) }
    let subtreeValues: Map<string, number> | undefined
    if ((c.hasSubtrees[index] as number) >= 0) {
      subtreeValues = new Map()
      for (let j = c.subtreeStart[index] as number; j < (c.subtreeStart[index + 1] as number); j++)
        subtreeValues.set(c.subtreeKeys[j] as string, c.subtreeValues[j] as number)
    }
    let subtreeAffine: Map<string, readonly [number, number]> | undefined
    if ((c.hasAffine[index] as number) >= 0) {
      subtreeAffine = new Map()
      for (let j = c.affineStart[index] as number; j < (c.affineStart[index + 1] as number); j++)
        subtreeAffine.set(c.affineKeys[j] as string, [c.affineValues[2 * j] as number, c.affineValues[2 * j + 1] as number])
    }
    return { input: { expr: parsed(c.inputs[index] as string), bindings }, target, subtreeValues, subtreeAffine }
  }
}

/** Lists one after another, without copying: index i of the second follows the first's last. */
export class ConcatList<E> implements ExampleList<E> {
  readonly length: number
  constructor(readonly parts: ReadonlyArray<ExampleList<E>>) {
    this.length = parts.reduce((n, p) => n + p.length, 0)
  }

  at(index: number): E | undefined {
    if (!Number.isInteger(index) || index < 0) return undefined
    let i = index
    for (const part of this.parts) {
      if (i < part.length) return part.at(i)
      i -= part.length
    }
    return undefined
  }
}

/** The examples at `indices`, materialized. */
export const examplesAt = <E>(list: ExampleList<E>, indices: ReadonlyArray<number>): Array<E> =>
  indices.map((i) => {
    const e = list.at(i)
    if (e === undefined) throw new RangeError(`no example ${i} in a list of ${list.length}`)
    return e
  })
