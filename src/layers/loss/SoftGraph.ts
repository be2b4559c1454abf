/**
 * Building and reading soft graphs (the type is in src/services/Loss.ts):
 *   vocabulary(labels)            the K labels of a soft graph, in column order
 *   defaultVocabulary             Number, the 6 operators, the 14 functions, common symbols
 *   encodeGraph(g, vocabulary)    a graph as a one-hot soft graph (targets, tests, teacher forcing)
 *   numberGraph(value)            a number output as a one-slot soft graph
 *   decodeGraph(soft)             the top-1 graph: slots that more likely exist than not,
 *                                 their most likely labels, the edges more likely than not
 *   softGraphShape(soft)          n, K, P, after checking every tensor's shape
 */
import type { FunctionName, Operator } from "../../domain/Expr.js"
import { functions, operators } from "../../domain/Expr.js"
import { type Edge, type Graph, labelNumber, type NodeLabel } from "../../domain/Graph.js"
import type { LabelVocabulary, SlotLabel, SoftGraph } from "../../services/Loss.js"
import * as T from "../../tensor/index.js"
import type { Tensor } from "../../tensor/index.js"

const keyOf = (l: SlotLabel): string =>
  l.kind === "Number" ? "n"
  : l.kind === "Symbol" ? `s:${l.name}`
  : l.kind === "Operator" ? `o:${l.op}`
  : `f:${l.fn}`

/** The vocabulary with these labels as columns 0..K-1; each label at most once. */
export const vocabulary = (labels: ReadonlyArray<SlotLabel>): LabelVocabulary => {
  const index = new Map<string, number>()
  let numberIndex = -1
  labels.forEach((l, k) => {
    const key = keyOf(l)
    if (index.has(key) || (l.kind === "Number" && numberIndex >= 0))
      throw new RangeError(`vocabulary: label ${key} appears twice`)
    if (l.kind === "Number") numberIndex = k
    else index.set(key, k)
  })
  return { labels: [...labels], numberIndex, index }
}

/** The symbols of the default vocabulary (those the brain's input knows by name). */
export const defaultSymbols: ReadonlyArray<string> = ["x", "y", "z", "a", "b", "c", "t", "u", "v", "w", "n", "k", "pi", "e"]

/** Number, then every operator, every function, and `defaultSymbols`: K = 35. */
export const defaultVocabulary: LabelVocabulary = vocabulary([
  { kind: "Number" },
  ...operators.map((op: Operator): SlotLabel => ({ kind: "Operator", op })),
  ...functions.map((fn: FunctionName): SlotLabel => ({ kind: "Function", fn })),
  ...defaultSymbols.map((name): SlotLabel => ({ kind: "Symbol", name }))
])

/** Column of a node label in a vocabulary (every number → the Number column), -1 when absent. */
export const labelColumn = (v: LabelVocabulary, label: NodeLabel): number => {
  switch (label.kind) {
    case "Integer":
    case "Float":
    case "Rational":
      return v.numberIndex
    case "Symbol":
      return v.index.get(`s:${label.name}`) ?? -1
    case "Operator":
      return v.index.get(`o:${label.op}`) ?? -1
    case "Function":
      return v.index.get(`f:${label.fn}`) ?? -1
  }
}

/** n slots, K labels, P argument positions of a soft graph; throws RangeError on a shape mismatch. */
export const softGraphShape = (g: SoftGraph): { readonly n: number; readonly K: number; readonly P: number } => {
  const n = g.labels.rows
  const K = g.vocabulary.labels.length
  const shape = (t: Tensor) => `[${t.rows}, ${t.cols}]`
  if (g.labels.cols !== K) throw new RangeError(`soft graph: labels ${shape(g.labels)} for a vocabulary of ${K} labels`)
  if (g.values.rows !== n || g.values.cols !== 1) throw new RangeError(`soft graph: values ${shape(g.values)}, expected [${n}, 1]`)
  if (g.existence.rows !== n || g.existence.cols !== 1)
    throw new RangeError(`soft graph: existence ${shape(g.existence)}, expected [${n}, 1]`)
  if (g.edges.rows !== n || (n > 0 && g.edges.cols % n !== 0))
    throw new RangeError(`soft graph: edges ${shape(g.edges)}, expected [${n}, ${n}·P]`)
  return { n, K, P: n === 0 ? 0 : g.edges.cols / n }
}

/** Largest number of arguments of a node of g (at least 1). */
export const maxArity = (g: Graph): number => {
  let p = 0
  for (const e of g.edges) p = Math.max(p, e.position + 1)
  return Math.max(1, p)
}

export interface EncodeOptions {
  /** Number of slots n ≥ the graph's nodes (default: as many as nodes); extra slots do not exist. */
  readonly slots?: number
  /** Argument positions P (default: the graph's largest arity, at least 1). */
  readonly positions?: number
  /** Slot of each node (default: node i in slot i); must be injective. */
  readonly slotOf?: ArrayLike<number>
  /** Make the four tensors leaves that require gradients. */
  readonly requiresGrad?: boolean
}

/**
 * A graph as a one-hot soft graph: its nodes exist with certainty and their labels,
 * its edges are certain, every other slot and edge is certainly absent. Throws when a
 * label is not in the vocabulary or a position does not fit in P.
 */
export const encodeGraph = (g: Graph, v: LabelVocabulary, options: EncodeOptions = {}): SoftGraph => {
  const m = g.nodes.length
  const n = options.slots ?? m
  const P = options.positions ?? maxArity(g)
  const K = v.labels.length
  if (n < m) throw new RangeError(`encodeGraph: ${n} slots for ${m} nodes`)
  const slotOf = options.slotOf ?? Array.from({ length: m }, (_, i) => i)
  const used = new Uint8Array(n)
  const labels = new Float64Array(n * K)
  const values = new Float64Array(n)
  const existence = new Float64Array(n)
  const edges = new Float64Array(n * n * P)
  g.nodes.forEach((label, u) => {
    const s = slotOf[u] as number
    if (!(s >= 0 && s < n && Number.isInteger(s)) || used[s]) throw new RangeError(`encodeGraph: bad slot ${s} for node ${u}`)
    used[s] = 1
    const k = labelColumn(v, label)
    if (k < 0) throw new RangeError(`encodeGraph: node ${u}'s label (${label.kind}) is not in the vocabulary`)
    labels[s * K + k] = 1
    values[s] = labelNumber(label) ?? 0
    existence[s] = 1
  })
  for (const { from, to, position } of g.edges) {
    if (position >= P) throw new RangeError(`encodeGraph: argument position ${position} does not fit in P = ${P}`)
    edges[(slotOf[to] as number) * n * P + (slotOf[from] as number) * P + position] = 1
  }
  const requiresGrad = options.requiresGrad ?? false
  return {
    vocabulary: v,
    labels: new T.Tensor(labels, n, K, requiresGrad),
    values: new T.Tensor(values, n, 1, requiresGrad),
    existence: new T.Tensor(existence, n, 1, requiresGrad),
    edges: new T.Tensor(edges, n, n * P, requiresGrad)
  }
}

/**
 * A number output ([1, 1] value tensor) as a soft graph: one slot, certainly a Number,
 * holding `value`. The structural loss of it equals `numberLoss` of the value.
 */
export const numberGraph = (value: Tensor, v: LabelVocabulary = defaultVocabulary): SoftGraph => {
  if (value.rows !== 1 || value.cols !== 1) throw new RangeError(`numberGraph: value [${value.rows}, ${value.cols}], expected [1, 1]`)
  if (v.numberIndex < 0) throw new RangeError("numberGraph: the vocabulary has no Number label")
  const labels = new Float64Array(v.labels.length)
  labels[v.numberIndex] = 1
  return {
    vocabulary: v,
    labels: new T.Tensor(labels, 1, v.labels.length),
    values: value,
    existence: T.scalar(1),
    edges: T.zeros(1, 0)
  }
}

/** A predicted number as a node label: an Integer when it is a safe integer, else a Float. */
export const numberLabel = (x: number): NodeLabel =>
  Number.isSafeInteger(x) ? { kind: "Integer", value: BigInt(x) } : { kind: "Float", value: x }

const nodeLabelOf = (l: SlotLabel, value: number): NodeLabel =>
  l.kind === "Number" ? numberLabel(value) : l

export interface DecodedGraph {
  readonly graph: Graph
  /** The slot of each node of `graph`. */
  readonly slots: Int32Array
}

/**
 * The top-1 graph of a soft graph: the slots with existence > 1/2 (in slot order) with
 * their most likely label (the first on ties), and the edges of probability > 1/2 between
 * them. It need not be a tree; `fromGraph` says why when it is not an expression.
 */
export const decodeGraph = (g: SoftGraph): DecodedGraph => {
  const { n, K, P } = softGraphShape(g)
  if (K === 0 && n > 0) throw new RangeError("decodeGraph: empty vocabulary")
  const L = g.labels.data
  const node = new Int32Array(n).fill(-1)
  const slots: Array<number> = []
  const nodes: Array<NodeLabel> = []
  for (let s = 0; s < n; s++) {
    if (!((g.existence.data[s] as number) > 0.5)) continue
    let best = 0
    for (let k = 1; k < K; k++) if ((L[s * K + k] as number) > (L[s * K + best] as number)) best = k
    node[s] = slots.length
    slots.push(s)
    nodes.push(nodeLabelOf(g.vocabulary.labels[best] as SlotLabel, g.values.data[s] as number))
  }
  const edges: Array<Edge> = []
  const E = g.edges.data
  for (const j of slots)
    for (const c of slots)
      for (let p = 0; p < P; p++)
        if ((E[c * n * P + j * P + p] as number) > 0.5) edges.push({ from: node[j] as number, to: node[c] as number, position: p })
  return { graph: { nodes, edges }, slots: Int32Array.from(slots) }
}
