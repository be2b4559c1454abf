/**
 * Turns a batch of expressions (with bindings) into the index arrays the brain's
 * bottom-up pass runs on. Pure bookkeeping of structure: n-ary nodes are folded into
 * binary ones in the order the language defines (+ * − ÷ to the left, ^ to the right),
 * numbers become input features, symbols and heads become embedding rows. Nothing is
 * evaluated here.
 *
 * Node numbering: row 0 is the "absent child" slot of one-argument heads, then every
 * leaf, then the operator nodes height by height, so that a node's children always
 * come earlier. The absent child reads 1, the neutral input of the product and power
 * units (for the affine unit it is a learnable constant).
 *
 * Symbols are pointers, not words: a symbol leaf reads the value bound to its exact name
 * in its example's bindings (a copy, as a pointer network or a de Bruijn index reads a
 * variable), so nothing the brain learns depends on how a name is spelled. A symbol no
 * binding names is the problem's unknown when the root's own argument names it
 * (`(solve eq x)`, `(derive f x)`: the head's second argument is that symbol), and a free
 * symbol otherwise, whose number value is unknown (NaN: no number answer depends on it).
 */
import type { Expr } from "../../domain/Expr.js"
import { print } from "../../domain/Polish.js"
import { nestsRight } from "../../domain/Grammar.js"
import type { BrainInput, SubtreeAffine, SubtreeValues } from "../../services/Brain.js"
import { headRow, headRowOrNone } from "./vocabulary.js"

export type { BrainInput, SubtreeAffine, SubtreeValues } from "../../services/Brain.js"

export interface HeightLevel {
  /** Row of this level's first node (its nodes are consecutive). */
  readonly start: number
  readonly count: number
  readonly head: Int32Array
  readonly child0: Int32Array
  /** 0 (the absent-child slot) for one-argument heads. */
  readonly child1: Int32Array
}

export interface FeaturizedBatch {
  readonly size: number
  /** Rows 0 … leafCount−1: the absent-child slot and the leaves. */
  readonly leafCount: number
  /**
   * Value of every leaf: a number leaf's number, a bound symbol's binding (1 for the
   * absent-child slot, 0 for an unknown, NaN for a free symbol).
   */
  readonly leafValues: Float64Array
  /** Symbol leaves: their row, their example. */
  readonly symbolLeafRow: Int32Array
  readonly symbolLeafExample: Int32Array
  /** Which of its example's bindings a symbol leaf reads (−1: none binds its name). */
  readonly symbolLeafBinding: Int32Array
  /** 1 for a symbol leaf that is its example's unknown (no binding, named by the root's argument, as x in an equation). */
  readonly symbolLeafUnbound: Uint8Array
  /** Whether some symbol leaf is an unknown. */
  readonly hasUnbound: boolean
  readonly levels: ReadonlyArray<HeightLevel>
  /** Root row of each example. */
  readonly roots: Int32Array
  /** Target value of every row (NaN where none is known); present when targets were given. */
  readonly nodeTargets: Float64Array | undefined
  /** Affine target [α, β] of every row (rows × 2, NaN where none is known); present when affine targets were given. */
  readonly nodeAffine: Float64Array | undefined
}

const NUMBER = 0
const SYMBOL = 1
const HEAD = 2

/**
 * The nodes of a batch in creation order (children before parents), one array per field:
 * no object per node, heights known at creation. `exprs` (the binary-folded subtree of
 * each node) is kept only when per-node targets are wanted.
 */
class NodeTable {
  readonly kind: Array<number> = []
  readonly value: Array<number> = []
  readonly row: Array<number> = [] // head row (0 for leaves)
  readonly name: Array<string | undefined> = [] // a symbol leaf's name
  readonly child0: Array<number> = []
  readonly child1: Array<number> = [] // −1 for one-argument heads
  readonly example: Array<number> = []
  readonly height: Array<number> = []
  readonly exprs: Array<Expr> | undefined
  maxHeight = 0
  private readonly headRows = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()]
  constructor(keepExprs: boolean) {
    this.exprs = keepExprs ? [] : undefined
  }

  add(kind: number, value: number, row: number, c0: number, c1: number, example: number, expr: Expr | undefined, name?: string): number {
    const h = c0 < 0 ? 0 : 1 + Math.max(this.height[c0] as number, c1 < 0 ? 0 : (this.height[c1] as number))
    if (h > this.maxHeight) this.maxHeight = h
    this.kind.push(kind)
    this.value.push(value)
    this.row.push(row)
    this.name.push(name)
    this.child0.push(c0)
    this.child1.push(c1)
    this.example.push(example)
    this.height.push(h)
    if (this.exprs !== undefined) this.exprs.push(expr as Expr)
    return this.kind.length - 1
  }

  headRow(e: Extract<Expr, { _tag: "Op" | "Fn" }>, arity: 1 | 2): number {
    const cache = this.headRows[arity] as Map<string, number>
    const name = e._tag === "Op" ? e.op : e.fn
    let row = cache.get(name)
    if (row === undefined) cache.set(name, (row = headRow(e, arity)))
    return row
  }
}

/** The binary node (l r) of an n-ary e, as an expression (only when targets are wanted). */
const folded = (e: Extract<Expr, { _tag: "Op" | "Fn" }>, t: NodeTable, l: number, r: number): Expr | undefined => {
  const exprs = t.exprs
  if (exprs === undefined) return undefined
  const pair = [exprs[l] as Expr, exprs[r] as Expr]
  return e._tag === "Op" ? { _tag: "Op", op: e.op, args: pair } : { _tag: "Fn", fn: e.fn, args: pair }
}

const build = (e: Expr, example: number, t: NodeTable): number => {
  switch (e._tag) {
    case "Integer":
      return t.add(NUMBER, Number(e.value), 0, -1, -1, example, e)
    case "Rational":
      return t.add(NUMBER, Number(e.num) / Number(e.den), 0, -1, -1, example, e)
    case "Float":
      return t.add(NUMBER, e.value, 0, -1, -1, example, e)
    case "Symbol":
      return t.add(SYMBOL, 0, 0, -1, -1, example, e, e.name)
    case "Op":
    case "Fn": {
      const n = e.args.length
      if (n === 0) throw new RangeError(`the brain has no input for ${e._tag === "Op" ? e.op : e.fn} with no arguments`)
      const args = new Array<number>(n)
      for (let i = 0; i < n; i++) args[i] = build(e.args[i] as Expr, example, t)
      if (n === 1) return t.add(HEAD, 0, t.headRow(e, 1), args[0] as number, -1, example, e)
      const row = t.headRow(e, 2)
      if (nestsRight(e)) {
        // right fold: a ^ (b ^ c)
        let acc = args[n - 1] as number
        for (let i = n - 2; i >= 1; i--) acc = t.add(HEAD, 0, row, args[i] as number, acc, example, folded(e, t, args[i] as number, acc))
        return t.add(HEAD, 0, row, args[0] as number, acc, example, e)
      }
      // left fold: (a + b) + c
      let acc = args[0] as number
      for (let i = 1; i < n - 1; i++) acc = t.add(HEAD, 0, row, acc, args[i] as number, example, folded(e, t, acc, args[i] as number))
      return t.add(HEAD, 0, row, acc, args[n - 1] as number, example, e)
    }
  }
}

/** The index of the binding that names `name` (the first, if several do), or −1. */
export const bindingOf = (input: BrainInput, name: string): number => {
  const bindings = input.bindings
  for (let j = 0; j < bindings.length; j++) if ((bindings[j] as readonly [string, number])[0] === name) return j
  return -1
}

/**
 * The input's unknown: the symbol its root's second argument names, when no binding
 * names it (`(solve eq x)`, `(derive f x)`, `(integrate f x a b)`). Read from the
 * structure alone, whatever the head.
 */
export const unknownOf = (input: BrainInput): string | undefined => {
  const e = input.expr
  if ((e._tag !== "Op" && e._tag !== "Fn") || e.args.length < 2) return undefined
  const v = e.args[1] as Expr
  return v._tag === "Symbol" && bindingOf(input, v.name) < 0 ? v.name : undefined
}

/** `featurize`'s `hasUnbound` for one input, without building the batch. */
export const hasUnboundSymbol = (input: BrainInput): boolean => unknownOf(input) !== undefined

/** The symbols of e that `input` does not bind and that are not its unknown (free symbols, in order of appearance). */
export const freeSymbols = (input: BrainInput, e: Expr = input.expr): Array<string> => {
  const unknown = unknownOf(input)
  const out: Array<string> = []
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const node = stack.pop() as Expr
    if (node._tag === "Symbol") {
      if (node.name !== unknown && !out.includes(node.name) && bindingOf(input, node.name) < 0) out.push(node.name)
    } else if (node._tag === "Op" || node._tag === "Fn") for (let i = node.args.length - 1; i >= 0; i--) stack.push(node.args[i] as Expr)
  }
  return out
}

/**
 * Whether `featurize` accepts the expression (every head has an input row), without
 * building anything: a cheap filter for batches that mix in other kinds of problems.
 */
export const canFeaturize = (e: Expr): boolean => {
  if (e._tag !== "Op" && e._tag !== "Fn") return true
  const n = e.args.length
  if (n === 0 || headRowOrNone(e, n === 1 ? 1 : 2) < 0) return false
  for (let i = 0; i < n; i++) if (!canFeaturize(e.args[i] as Expr)) return false
  return true
}

/** The head rows an expression reads (n-ary heads fold into their two-argument row). */
export const headRowsOf = (e: Expr, into: Set<number> = new Set()): Set<number> => {
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const node = stack.pop() as Expr
    if (node._tag !== "Op" && node._tag !== "Fn") continue
    into.add(headRow(node, node.args.length === 1 ? 1 : 2))
    for (const arg of node.args) stack.push(arg)
  }
  return into
}

export const featurize = (
  inputs: ReadonlyArray<BrainInput>,
  targets?: ReadonlyArray<SubtreeValues | undefined>,
  affine?: ReadonlyArray<SubtreeAffine | undefined>
): FeaturizedBatch => {
  const t = new NodeTable(targets !== undefined || affine !== undefined)
  const rootNodes = new Int32Array(inputs.length)
  for (let k = 0; k < inputs.length; k++) rootNodes[k] = build((inputs[k] as BrainInput).expr, k, t)
  const total = t.kind.length
  const maxHeight = t.maxHeight

  // Rows: 0 is the absent-child slot, then the leaves, then height by height (creation order within each).
  const perHeight = new Int32Array(maxHeight + 1)
  for (let i = 0; i < total; i++) perHeight[t.height[i] as number]!++
  const leafCount = (perHeight[0] as number) + 1
  const nextRow = new Int32Array(maxHeight + 1)
  nextRow[0] = 1
  for (let h = 1; h <= maxHeight; h++) nextRow[h] = (nextRow[h - 1] as number) + (perHeight[h - 1] as number)
  const index = new Int32Array(total)
  for (let i = 0; i < total; i++) index[i] = nextRow[t.height[i] as number]!++

  const leafValues = new Float64Array(leafCount)
  leafValues[0] = 1
  let symbols = 0
  for (let i = 0; i < total; i++) if (t.kind[i] === SYMBOL) symbols++
  const symbolLeafRow = new Int32Array(symbols)
  const symbolLeafBinding = new Int32Array(symbols)
  const symbolLeafExample = new Int32Array(symbols)
  const symbolLeafUnbound = new Uint8Array(symbols)
  let hasUnbound = false
  const unknowns = inputs.map(unknownOf)
  const levels: Array<HeightLevel> = []
  let start = leafCount
  for (let h = 1; h <= maxHeight; h++) {
    const count = perHeight[h] as number
    levels.push({ start, count, head: new Int32Array(count), child0: new Int32Array(count), child1: new Int32Array(count) })
    start += count
  }
  for (let i = 0, s = 0; i < total; i++) {
    const r = index[i] as number
    const h = t.height[i] as number
    if (h === 0) {
      if (t.kind[i] === NUMBER) leafValues[r] = t.value[i] as number
      else {
        const example = t.example[i] as number
        const input = inputs[example] as BrainInput
        const name = t.name[i] as string
        const j = bindingOf(input, name)
        symbolLeafRow[s] = r
        symbolLeafExample[s] = example
        symbolLeafBinding[s] = j
        if (j >= 0) leafValues[r] = (input.bindings[j] as readonly [string, number])[1]
        else if (name === unknowns[example]) {
          symbolLeafUnbound[s] = 1
          hasUnbound = true
        } else leafValues[r] = NaN
        s++
      }
    } else {
      const level = levels[h - 1] as HeightLevel
      const j = r - level.start
      const c1 = t.child1[i] as number
      level.head[j] = t.row[i] as number
      level.child0[j] = index[t.child0[i] as number] as number
      level.child1[j] = c1 < 0 ? 0 : (index[c1] as number)
    }
  }

  let nodeTargets: Float64Array | undefined
  if (targets !== undefined) {
    const exprs = t.exprs as Array<Expr>
    nodeTargets = new Float64Array(start).fill(NaN)
    for (let i = 0; i < total; i++) {
      const r = index[i] as number
      const kind = t.kind[i]
      const example = t.example[i] as number
      if (kind === NUMBER) nodeTargets[r] = t.value[i] as number
      else if (kind === SYMBOL) {
        const j = bindingOf(inputs[example] as BrainInput, t.name[i] as string)
        if (j >= 0) nodeTargets[r] = ((inputs[example] as BrainInput).bindings[j] as readonly [string, number])[1]
      } else {
        const v = targets[example]?.get(print(exprs[i] as Expr))
        if (v !== undefined) nodeTargets[r] = v
      }
    }
  }
  let nodeAffine: Float64Array | undefined
  if (affine !== undefined) {
    const exprs = t.exprs as Array<Expr>
    nodeAffine = new Float64Array(2 * start).fill(NaN)
    for (let i = 0; i < total; i++) {
      const known = affine[t.example[i] as number]
      if (known === undefined || known.size === 0 || t.kind[i] === NUMBER) continue
      const pair = known.get(print(exprs[i] as Expr))
      if (pair === undefined) continue
      const r = index[i] as number
      nodeAffine[2 * r] = pair[0]
      nodeAffine[2 * r + 1] = pair[1]
    }
  }
  for (let k = 0; k < rootNodes.length; k++) rootNodes[k] = index[rootNodes[k] as number] as number
  return {
    nodeTargets,
    nodeAffine,
    symbolLeafUnbound,
    hasUnbound,
    size: inputs.length,
    leafCount,
    leafValues,
    symbolLeafRow,
    symbolLeafExample,
    symbolLeafBinding,
    levels,
    roots: rootNodes
  }
}
