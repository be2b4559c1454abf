/** Shared helpers of the loss tests: graphs from Polish, random expressions, random soft graphs. */
import { Either } from "effect"
import type { Expr } from "../../src/domain/Expr.js"
import { type Graph, toGraph } from "../../src/domain/Graph.js"
import { parse } from "../../src/domain/Polish.js"
import type { Rng } from "../../src/domain/Random.js"
import { defaultVocabulary, encodeGraph, maxArity, vocabulary } from "../../src/layers/loss/index.js"
import type { LabelVocabulary, SoftGraph } from "../../src/services/Loss.js"
import * as T from "../../src/tensor/index.js"

export const graph = (text: string): Graph => toGraph(Either.getOrThrow(parse(text)))

const sym = (name: string): Expr => ({ _tag: "Symbol", name })
const int = (n: number): Expr => ({ _tag: "Integer", value: BigInt(n) })

export interface ExprOptions {
  readonly depth?: number
  /** Chance that an inner position stops at a leaf (default 0.3). */
  readonly leafProbability?: number
  /** Integer leaves are drawn from these (default 1..9). */
  readonly numbers?: ReadonlyArray<number>
}

/** A random expression over x, y, z and small integers: + − × ÷ ^, unary −, sin, exp. */
export const randomExpr = (rng: Rng, options: ExprOptions = {}): Expr => {
  const numbers = options.numbers ?? [1, 2, 3, 4, 5, 6, 7, 8, 9]
  const go = (depth: number): Expr => {
    if (depth === 0 || rng.bool(options.leafProbability ?? 0.3))
      return rng.bool(0.5) ? sym(["x", "y", "z"][rng.int(0, 2)] as string) : int(numbers[rng.int(0, numbers.length - 1)] as number)
    const kind = rng.int(0, 5)
    if (kind === 0) return { _tag: "Fn", fn: rng.bool() ? "sin" : "exp", args: [go(depth - 1)] }
    if (kind === 1) return { _tag: "Op", op: "-", args: [go(depth - 1)] }
    const op = (["+", "*", "-", "/", "^"] as const)[rng.int(0, 4)]!
    const arity = (op === "+" || op === "*") && rng.bool(0.3) ? 3 : 2
    return { _tag: "Op", op, args: Array.from({ length: arity }, () => go(depth - 1)) }
  }
  return go(options.depth ?? 3)
}

/** The labels `randomExpr` uses (K = 11): small tensors keep finite differences fast. */
export const smallVocabulary: LabelVocabulary = vocabulary([
  { kind: "Number" },
  ...(["+", "-", "*", "/", "^"] as const).map((op) => ({ kind: "Operator", op }) as const),
  { kind: "Function", fn: "sin" },
  { kind: "Function", fn: "exp" },
  ...["x", "y", "z"].map((name) => ({ kind: "Symbol", name }) as const)
])

/** A random permutation of 0..n-1. */
export const permutation = (rng: Rng, n: number): Array<number> => {
  const p = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[p[i], p[j]] = [p[j] as number, p[i] as number]
  }
  return p
}

export interface Layout {
  readonly slots: number
  readonly positions: number
  readonly slotOf: ReadonlyArray<number>
}

/** n = nodes + extra slots, P = the graph's arity (≥ 3), nodes in random slots. */
export const randomLayout = (rng: Rng, g: Graph, extra = 2): Layout => {
  const slots = g.nodes.length + extra
  return { slots, positions: Math.max(3, maxArity(g)), slotOf: permutation(rng, slots).slice(0, g.nodes.length) }
}

/** The graph as a one-hot soft graph in the given layout. */
export const oneHot = (g: Graph, layout: Layout, v: LabelVocabulary = defaultVocabulary): SoftGraph =>
  encodeGraph(g, v, layout)

/**
 * A soft graph that mixes g's one-hot encoding with noise: (1 − β)·one-hot + β·random for
 * labels (rows renormalised), existence and edges; numbers' values get noise of size
 * `valueNoise`. β < 1/2 keeps the top-1 graph equal to g. Leaves require grad.
 */
export const noisy = (
  rng: Rng,
  g: Graph,
  layout: Layout,
  beta: number,
  options: { readonly valueNoise?: number; readonly fixExistence?: boolean; readonly v?: LabelVocabulary } = {}
): SoftGraph => {
  const base = oneHot(g, layout, options.v ?? defaultVocabulary)
  const mix = (t: T.Tensor, rowNormalise: boolean, keep = false): T.Tensor => {
    const out = new Float64Array(t.size)
    for (let i = 0; i < t.rows; i++) {
      const noise = Array.from({ length: t.cols }, () => rng.uniform(0.02, 1))
      const total = rowNormalise ? noise.reduce((a, b) => a + b, 0) : 1
      for (let j = 0; j < t.cols; j++) {
        const at = i * t.cols + j
        out[at] = keep ? t.data[at]! : (1 - beta) * t.data[at]! + beta * (noise[j]! / total)
      }
    }
    return new T.Tensor(out, t.rows, t.cols, true)
  }
  const values = Float64Array.from(base.values.data, (x) => x + rng.uniform(-1, 1) * (options.valueNoise ?? 0.3))
  return {
    vocabulary: base.vocabulary,
    labels: mix(base.labels, true),
    values: new T.Tensor(values, base.values.rows, 1, true),
    existence: mix(base.existence, false, options.fixExistence ?? false),
    edges: mix(base.edges, false)
  }
}

/** The same soft graph with other tensors (for gradCheck's positional inputs). */
export const withTensors = (s: SoftGraph, L: T.Tensor, V: T.Tensor, X: T.Tensor, E: T.Tensor): SoftGraph => ({
  vocabulary: s.vocabulary,
  labels: L,
  values: V,
  existence: X,
  edges: E
})
