/**
 * Label equality between the nodes of two graphs, as a dense table.
 *
 * `labelsEqual` (SPEC §6 tolerance for numbers) is the definition; it is called once
 * per pair of *distinct* labels (interned by a canonical key), not once per node
 * pair, so large trees with repeated labels stay cheap.
 */
import { labelsEqual, type NodeLabel } from "../Graph.js"

const keyOf = (l: NodeLabel): string => {
  switch (l.kind) {
    case "Integer":
      return `i${l.value}`
    case "Float":
      return `f${l.value}`
    case "Rational":
      return `r${l.num}/${l.den}`
    case "Symbol":
      return `s${l.name}`
    case "Operator":
      return `o${l.op}`
    case "Function":
      return `F${l.fn}`
  }
}

interface Interned {
  readonly classOf: Int32Array
  readonly representatives: Array<NodeLabel>
}

const intern = (labels: ReadonlyArray<NodeLabel>): Interned => {
  const ids = new Map<string, number>()
  const classOf = new Int32Array(labels.length)
  const representatives: Array<NodeLabel> = []
  labels.forEach((l, i) => {
    const key = keyOf(l)
    let id = ids.get(key)
    if (id === undefined) {
      id = representatives.length
      ids.set(key, id)
      representatives.push(l)
    }
    classOf[i] = id
  })
  return { classOf, representatives }
}

/**
 * Label classes of both graphs and whether two classes are equal:
 * nodes u of a and v of b have equal labels iff `table[classA[u] * columns + classB[v]] === 1`.
 */
export interface LabelTable {
  readonly classA: Int32Array
  readonly classB: Int32Array
  readonly columns: number
  readonly table: Uint8Array
}

export const labelTable = (a: ReadonlyArray<NodeLabel>, b: ReadonlyArray<NodeLabel>): LabelTable => {
  const ia = intern(a)
  const ib = intern(b)
  const columns = ib.representatives.length
  const table = new Uint8Array(ia.representatives.length * columns)
  ia.representatives.forEach((la, i) =>
    ib.representatives.forEach((lb, j) => {
      table[i * columns + j] = labelsEqual(la, lb) ? 1 : 0
    })
  )
  return { classA: ia.classOf, classB: ib.classOf, columns, table }
}

/** Equality of node labels across two graphs: `equal(u, v)` for u in a, v in b. */
export interface LabelMatch {
  readonly equal: (u: number, v: number) => boolean
}

export const labelMatch = (a: ReadonlyArray<NodeLabel>, b: ReadonlyArray<NodeLabel>): LabelMatch => {
  const { classA, classB, columns, table } = labelTable(a, b)
  return { equal: (u, v) => table[(classA[u] as number) * columns + (classB[v] as number)] === 1 }
}
