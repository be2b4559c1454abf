/**
 * The typed graph form of an expression (SPEC §3): one node per tree node, typed
 * labels, and directed edges parent → child labelled with the argument position.
 * Nodes are numbered in pre-order, so node 0 is the root and a parent's number is
 * smaller than its children's. Expr → Graph → Expr is lossless.
 */
import type { Expr, FunctionName, Operator } from "./Expr.js"
import { rationalToNumber } from "./Expr.js"

export type NodeLabel =
  | { readonly kind: "Integer"; readonly value: bigint }
  | { readonly kind: "Float"; readonly value: number }
  | { readonly kind: "Rational"; readonly num: bigint; readonly den: bigint }
  | { readonly kind: "Symbol"; readonly name: string }
  | { readonly kind: "Operator"; readonly op: Operator }
  | { readonly kind: "Function"; readonly fn: FunctionName }

export interface Edge {
  readonly from: number
  readonly to: number
  /** Argument position of `to` among `from`'s arguments, from 0. */
  readonly position: number
}

export interface Graph {
  readonly nodes: ReadonlyArray<NodeLabel>
  readonly edges: ReadonlyArray<Edge>
}

const labelOf = (e: Expr): NodeLabel => {
  switch (e._tag) {
    case "Integer":
      return { kind: "Integer", value: e.value }
    case "Float":
      return { kind: "Float", value: e.value }
    case "Rational":
      return { kind: "Rational", num: e.num, den: e.den }
    case "Symbol":
      return { kind: "Symbol", name: e.name }
    case "Op":
      return { kind: "Operator", op: e.op }
    case "Fn":
      return { kind: "Function", fn: e.fn }
  }
}

/** Pre-order numbering; iterative. */
export const toGraph = (root: Expr): Graph => {
  const nodes: Array<NodeLabel> = []
  const edges: Array<Edge> = []
  const stack: Array<{ e: Expr; parent: number; position: number }> = [{ e: root, parent: -1, position: 0 }]
  while (stack.length > 0) {
    const { e, parent, position } = stack.pop()!
    const id = nodes.length
    nodes.push(labelOf(e))
    if (parent >= 0) edges.push({ from: parent, to: id, position })
    if (e._tag === "Op" || e._tag === "Fn")
      for (let i = e.args.length - 1; i >= 0; i--) stack.push({ e: e.args[i] as Expr, parent: id, position: i })
  }
  return { nodes, edges }
}

export class GraphShapeError extends Error {
  override readonly name = "GraphShapeError"
}

/**
 * Graph → Expr. The graph must be a tree rooted at node 0 whose argument positions
 * are 0..k-1 at every node; anything else is a GraphShapeError.
 */
export const fromGraph = (g: Graph): Expr => {
  const n = g.nodes.length
  if (n === 0) throw new GraphShapeError("empty graph")
  const kids: Array<Array<number>> = Array.from({ length: n }, () => [])
  const hasParent = new Uint8Array(n)
  for (const { from, to, position } of g.edges) {
    if (from < 0 || from >= n || to < 0 || to >= n) throw new GraphShapeError(`edge ${from}→${to} leaves the graph`)
    if (hasParent[to]) throw new GraphShapeError(`node ${to} has two parents`)
    hasParent[to] = 1
    const slot = kids[from] as Array<number>
    if (slot[position] !== undefined) throw new GraphShapeError(`node ${from} has two children at position ${position}`)
    slot[position] = to
  }
  if (hasParent[0]) throw new GraphShapeError("node 0 must be the root")
  // Build bottom-up in reverse topological order from an explicit DFS.
  const order: Array<number> = []
  const seen = new Uint8Array(n)
  const stack = [0]
  while (stack.length > 0) {
    const v = stack.pop()!
    if (seen[v]) throw new GraphShapeError(`cycle through node ${v}`)
    seen[v] = 1
    order.push(v)
    for (const c of kids[v] as Array<number>) stack.push(c)
  }
  if (order.length !== n) throw new GraphShapeError(`${n - order.length} node(s) unreachable from the root`)
  const built: Array<Expr | undefined> = new Array(n)
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i] as number
    const label = g.nodes[v] as NodeLabel
    const childIds = kids[v] as Array<number>
    for (let p = 0; p < childIds.length; p++)
      if (childIds[p] === undefined) throw new GraphShapeError(`node ${v} has no child at position ${p}`)
    const args = childIds.map((c) => built[c] as Expr)
    switch (label.kind) {
      case "Operator":
        built[v] = { _tag: "Op", op: label.op, args }
        break
      case "Function":
        built[v] = { _tag: "Fn", fn: label.fn, args }
        break
      default:
        if (args.length > 0) throw new GraphShapeError(`leaf node ${v} (${label.kind}) has children`)
        built[v] =
          label.kind === "Integer" ? { _tag: "Integer", value: label.value }
          : label.kind === "Float" ? { _tag: "Float", value: label.value }
          : label.kind === "Rational" ? { _tag: "Rational", num: label.num, den: label.den }
          : { _tag: "Symbol", name: label.name }
    }
  }
  return built[0] as Expr
}

/** Numeric value of a number label, for tolerant comparison (SPEC §6). */
export const labelNumber = (l: NodeLabel): number | undefined =>
  l.kind === "Integer" ? Number(l.value)
  : l.kind === "Float" ? l.value
  : l.kind === "Rational" ? rationalToNumber(l.num, l.den)
  : undefined

/** Whether two node labels are the same; numbers within 1e-3·max(1,|a|,|b|) (SPEC §6, made symmetric). */
export const labelsEqual = (a: NodeLabel, b: NodeLabel): boolean => {
  const x = labelNumber(a)
  const y = labelNumber(b)
  if (x !== undefined && y !== undefined) return Math.abs(x - y) <= 1e-3 * Math.max(1, Math.abs(x), Math.abs(y))
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case "Symbol":
      return a.name === (b as typeof a).name
    case "Operator":
      return a.op === (b as typeof a).op
    case "Function":
      return a.fn === (b as typeof a).fn
    default:
      return false
  }
}
