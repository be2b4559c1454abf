/**
 * The Loss: what training minimises and what logs report (SPEC §6). Layers:
 * GedLoss (src/layers/loss), the default. The service needs no other service (R = never);
 * its methods are plain synchronous calls on the hot path. Bad weights from a config file
 * are reported by `resolveWeights` as a LossError; a tensor of the wrong shape is a bug
 * (RangeError).
 *
 * Three things, one set of `[loss]` weights:
 * - `structural(pred, target)`: a differentiable loss between a *soft* predicted graph
 *   (what a brain that emits expressions outputs) and a target graph; 0 exactly when the
 *   prediction is the target.
 * - `number(pred, target)`: the same loss for a one-node output (levels 1–4, 7): the
 *   node-relabel term, a smooth function of the relative error, 0 iff equal.
 * - `metric(a, b)`: the exact graph edit distance, reported as `GED=` (src/domain/ged).
 *
 * docs/loss.md defines every term (the clique term included) and how the structural
 * loss relates to the metric.
 */
import { Context, Data, Effect } from "effect"
import type { FunctionName, Operator } from "../domain/Expr.js"
import type { GedCosts, GedOptions, GedResult } from "../domain/ged/index.js"
import type { Graph } from "../domain/Graph.js"
import type { Tensor } from "../tensor/index.js"

// ─── weights ────────────────────────────────────────────────────────────────────────

/** The seed's `[loss]` keys, camelCased: the four GED costs and the clique weight. */
export interface LossWeights extends GedCosts {
  /** `node_insertion_cost`, default 1. */
  readonly nodeInsertion: number
  /** `node_deletion_cost`, default 1. */
  readonly nodeDeletion: number
  /** `edge_insertion_cost`, default 0.5. */
  readonly edgeInsertion: number
  /** `edge_deletion_cost`, default 0.5. */
  readonly edgeDeletion: number
  /** `clique_weight`, default 2: the price of one internal node whose sibling group is not reproduced. */
  readonly cliqueWeight: number
}

export const defaultLossWeights: LossWeights = {
  nodeInsertion: 1,
  nodeDeletion: 1,
  edgeInsertion: 0.5,
  edgeDeletion: 0.5,
  cliqueWeight: 2
}

/** The `[loss]` section as written in train_config.toml (every key optional). */
export interface LossSection {
  readonly node_insertion_cost?: number
  readonly node_deletion_cost?: number
  readonly edge_insertion_cost?: number
  readonly edge_deletion_cost?: number
  readonly clique_weight?: number
}

export class LossError extends Data.TaggedError("LossError")<{
  readonly reason: "InvalidWeights"
  readonly message: string
}> {}

/** Fills the seed's defaults and checks that every weight is a finite number ≥ 0; the error names the key. */
export const resolveWeights = (section: LossSection = {}): Effect.Effect<LossWeights, LossError> =>
  Effect.gen(function* () {
    const keys = [
      ["node_insertion_cost", "nodeInsertion"],
      ["node_deletion_cost", "nodeDeletion"],
      ["edge_insertion_cost", "edgeInsertion"],
      ["edge_deletion_cost", "edgeDeletion"],
      ["clique_weight", "cliqueWeight"]
    ] as const
    const out: Record<string, number> = { ...defaultLossWeights }
    for (const [key, field] of keys) {
      const value = section[key]
      if (value === undefined) continue
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        return yield* new LossError({ reason: "InvalidWeights", message: `[loss] ${key} must be a finite number ≥ 0, got ${String(value)}` })
      out[field] = value
    }
    return out as unknown as LossWeights
  })

// ─── the soft predicted graph ───────────────────────────────────────────────────────

/**
 * What a slot can be labelled with. All numbers share one label, "Number", whose value
 * the slot predicts separately; symbols, operators and functions are labels of their own.
 */
export type SlotLabel =
  | { readonly kind: "Number" }
  | { readonly kind: "Symbol"; readonly name: string }
  | { readonly kind: "Operator"; readonly op: Operator }
  | { readonly kind: "Function"; readonly fn: FunctionName }

/** The K labels of a soft graph, in column order. Build one with `vocabulary(...)` (src/layers/loss). */
export interface LabelVocabulary {
  readonly labels: ReadonlyArray<SlotLabel>
  /** Column of the Number label, -1 when numbers cannot be predicted. */
  readonly numberIndex: number
  /** Column of each non-number label, by key (`s:x`, `o:+`, `f:sin`). */
  readonly index: ReadonlyMap<string, number>
}

/**
 * A soft predicted graph of n node slots, K labels and P argument positions: a
 * distribution over graphs in which every item is independent.
 *
 *   labels     [n, K]    labels[s, k]          = P(slot s has label k)  (rows should sum to 1)
 *   values     [n, 1]    values[s]             = the number slot s holds if its label is Number
 *   existence  [n, 1]    existence[s]          = P(slot s is a node of the graph)
 *   edges      [n, n·P]  edges[c, j·P + p]     = P(edge j → c at argument position p | both slots exist)
 *
 * Rows of `edges` are children: a brain that picks one parent per slot emits each row as a
 * softmax over (parent, position) and "no parent"; independent sigmoids are as welcome.
 * Every entry of `labels`, `existence` and `edges` must lie in [0, 1]. A number output is
 * one slot, labelled Number, with its value: `numberGraph` (src/layers/loss) builds it.
 */
export interface SoftGraph {
  readonly vocabulary: LabelVocabulary
  readonly labels: Tensor
  readonly values: Tensor
  readonly existence: Tensor
  readonly edges: Tensor
}

/** How the structural loss aligns slots with target nodes (docs/loss.md, "Alignment"). */
export interface AlignmentOptions {
  /** Both the top-1 graph and the target within this many nodes → exact edit search. Default 10. */
  readonly exactLimit?: number
  /** Budget of that search in search nodes; the best mapping found is used when it runs out. Default 10,000. */
  readonly maxExpansions?: number
}

// ─── the service ────────────────────────────────────────────────────────────────────

export interface LossApi {
  /** Which loss, for checkpoints and reports. */
  readonly name: string
  /**
   * The structural loss of a soft predicted graph against a target graph: a [1, 1]
   * tensor, 0 exactly when the prediction is the target. The alignment of slots to target
   * nodes is discrete and held constant for the gradient.
   */
  readonly structural: (pred: SoftGraph, target: Graph, weights?: LossWeights, options?: AlignmentOptions) => Tensor
  /**
   * The loss of number outputs pred [B, 1] against targets [B]: per example [B, 1],
   * relabel · ρ((p − y) / max(1, |y|)), ρ a smooth relative-error penalty, 0 iff p = y.
   */
  readonly number: (pred: Tensor, target: Float64Array, weights?: LossWeights) => Tensor
  /** The graph edit distance (exact for small graphs, else an upper bound, and which). */
  readonly metric: (a: Graph, b: Graph, costs?: GedCosts, options?: GedOptions) => GedResult
}

export class Loss extends Context.Tag("grapheme/Loss")<Loss, LossApi>() {}
