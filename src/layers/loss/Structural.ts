/**
 * The structural loss (SPEC §6, docs/loss.md): the graph-edit costs of a soft predicted
 * graph against a target graph under a fixed alignment (Alignment.ts), each item priced
 * by its probability, plus the clique term. One fused kernel: the forward pass computes the value and, when a
 * gradient is wanted, d loss / d input for the four inputs in the same sweep; backward
 * scales them by the incoming gradient. With σ(v) the slot of target node v,
 * q(a→b, p) = E[b, a·P + p], μ the label mismatch (Prepared.ts), λ the label match (below):
 *
 *   nodes   Σ_v aligned   rel·μ(σv, v) + ni·(1 − X_σv)
 *         + Σ_v unaligned ni  +  Σ_s unaligned nd·X_s
 *   edges   Σ_(u→v,p') aligned ends   ed·Σ_{p≠p'} q_p + ei·(1 − q_p') − erel·(1 − q_p')·(1 − Π_{p≠p'}(1 − q_p))
 *         + Σ_(u→v,p') otherwise      ei
 *         + Σ every other (j→c, p)    ed·q(j→c, p)
 *   clique  cw · Σ_v internal  (1 − R(v)),  R(v) = Π_{w ∈ {v} ∪ parent ∪ children} X_σw·λ(σw, w)
 *                                                · Π_{(a→b,p) parent edge and child edges of v} E[σb, σa·P + p]
 *           (R(v) = 0 when a member is unaligned or a position does not fit in P)
 *
 * Every term is ≥ 0, and the sum is 0 exactly when every target node has a slot that
 * surely exists with its label (and, for a number, its exact value), every other slot
 * surely does not exist, every target edge is certain and no other edge has any mass.
 * Label, existence and edge terms are separate (not products), so that each output of a
 * brain gets its own gradient whatever the others are (a slot that does not exist yet
 * still learns its label); only the clique term couples them.
 */
import type { Graph } from "../../domain/Graph.js"
import { defaultLossWeights, type AlignmentOptions, type LossWeights, type SoftGraph } from "../../services/Loss.js"
import * as T from "../../tensor/index.js"
import type { Tensor } from "../../tensor/index.js"
import { type Alignment, align } from "./Alignment.js"
import { rho, rhoPrime } from "./NumberLoss.js"
import { mismatch, prepare, type Prepared, relError } from "./Prepared.js"

export interface StructuralTerms {
  readonly total: number
  readonly nodes: number
  readonly edges: number
  readonly clique: number
  readonly alignment: Alignment
}

interface Gradients {
  readonly L: Float64Array
  readonly V: Float64Array
  readonly X: Float64Array
  readonly E: Float64Array
}

/** Adds g·∂μ(s,v)/∂(labels, values) (g = d loss / d μ). */
const mismatchBackward = (c: Prepared, s: number, v: number, g: number, grad: Gradients): void => {
  const k = c.col[v] as number
  if (k < 0) return
  const at = s * c.K + k
  if (!c.isNumber[v]) {
    grad.L[at] = (grad.L[at] as number) - g
    return
  }
  const e = relError(c, s, v)
  const p = c.L[at] as number
  grad.L[at] = (grad.L[at] as number) + g * (rho(e) - 1)
  grad.V[s] = (grad.V[s] as number) + g * p * rhoPrime(e) * (c.inv[v] as number)
}

/** λ(s, v), the label match — P(label), or P(Number)·exp(−ρ(e)) — and its partials: one factor of a clique product. */
const matchFactor = (
  c: Prepared,
  s: number,
  v: number
): { readonly value: number; readonly back: (g: number, grad: Gradients) => void } => {
  const k = c.col[v] as number
  if (k < 0) return { value: 0, back: () => {} }
  const at = s * c.K + k
  const p = c.L[at] as number
  if (!c.isNumber[v])
    return { value: p, back: (g, grad) => void (grad.L[at] = (grad.L[at] as number) + g) }
  const e = relError(c, s, v)
  const decay = Math.exp(-rho(e))
  return {
    value: p * decay,
    back: (g, grad) => {
      grad.L[at] = (grad.L[at] as number) + g * decay
      grad.V[s] = (grad.V[s] as number) - g * p * decay * rhoPrime(e) * (c.inv[v] as number)
    }
  }
}

/** The loss's value, and its gradient into `grad` when given. */
const evaluate = (c: Prepared, al: Alignment, grad: Gradients | null): StructuralTerms => {
  const { n, P, X, E, target } = c
  const nP = n * P
  const m = target.nodes.length
  const { slotOf, targetOf } = al

  // ── nodes ──
  let nodes = 0
  for (let v = 0; v < m; v++) {
    const s = slotOf[v] as number
    if (s < 0) {
      nodes += c.ni
      continue
    }
    nodes += c.rel * mismatch(c, s, v) + c.ni * (1 - (X[s] as number))
    if (grad !== null) {
      grad.X[s] = (grad.X[s] as number) - c.ni
      mismatchBackward(c, s, v, c.rel, grad)
    }
  }
  for (let s = 0; s < n; s++) {
    if ((targetOf[s] as number) >= 0) continue
    nodes += (X[s] as number) * c.nd
    if (grad !== null) grad.X[s] = (grad.X[s] as number) + c.nd
  }

  // ── edges ──
  let edges = 0
  /** Adds g · ∂q(a→b, p)/∂E. */
  const edgeBackward = (a: number, b: number, p: number, g: number, gr: Gradients): void => {
    const at = b * nP + a * P + p
    gr.E[at] = (gr.E[at] as number) + g
  }
  const isTargetPair = new Uint8Array(n * n)
  const q = new Float64Array(P)
  for (const { from, to, position } of target.edges) {
    const a = slotOf[from] as number
    const b = slotOf[to] as number
    if (a < 0 || b < 0) {
      edges += c.ei
      continue
    }
    isTargetPair[a * n + b] = 1
    let sw = 0
    let z = 1
    for (let p = 0; p < P; p++) {
      q[p] = E[b * nP + a * P + p] as number
      if (p !== position) {
        sw += q[p] as number
        z *= 1 - (q[p] as number)
      }
    }
    const t = position < P ? (q[position] as number) : 0
    edges += c.ed * sw + c.ei * (1 - t) - c.erel * (1 - t) * (1 - z)
    if (grad !== null) {
      if (position < P) edgeBackward(a, b, position, -c.ei + c.erel * (1 - z), grad)
      for (let p = 0; p < P; p++) {
        if (p === position) continue
        let others = 1
        for (let r = 0; r < P; r++) if (r !== p && r !== position) others *= 1 - (q[r] as number)
        edgeBackward(a, b, p, c.ed - c.erel * (1 - t) * others, grad)
      }
    }
  }
  let spurious = 0
  for (let b = 0; b < n; b++)
    for (let a = 0; a < n; a++) {
      if (isTargetPair[a * n + b]) continue
      const base = b * nP + a * P
      for (let p = 0; p < P; p++) spurious += E[base + p] as number
      if (grad !== null) for (let p = 0; p < P; p++) grad.E[base + p] = (grad.E[base + p] as number) + c.ed
    }
  edges += c.ed * spurious

  // ── clique ──
  let clique = 0
  if (c.cw > 0) {
    const parentEdge = new Int32Array(m).fill(-1)
    const childEdges: Array<Array<number>> = Array.from({ length: m }, () => [])
    target.edges.forEach((e, i) => {
      parentEdge[e.to] = i
      childEdges[e.from]!.push(i)
    })
    for (let v = 0; v < m; v++) {
      const kids = childEdges[v]!
      if (kids.length === 0) continue
      const star = parentEdge[v]! >= 0 ? [parentEdge[v]!, ...kids] : kids
      const members = [v, ...star.map((i) => (target.edges[i]!.to === v ? target.edges[i]!.from : target.edges[i]!.to))]
      if (members.some((w) => (slotOf[w] as number) < 0) || star.some((i) => target.edges[i]!.position >= P)) {
        clique += c.cw
        continue
      }
      // Factors of R(v), each with its backward.
      const values: Array<number> = []
      const backs: Array<(g: number, gr: Gradients) => void> = []
      for (const w of members) {
        const s = slotOf[w] as number
        values.push(X[s] as number)
        backs.push((g, gr) => void (gr.X[s] = (gr.X[s] as number) + g))
        const f = matchFactor(c, s, w)
        values.push(f.value)
        backs.push(f.back)
      }
      for (const i of star) {
        const e = target.edges[i]!
        const at = (slotOf[e.to] as number) * nP + (slotOf[e.from] as number) * P + e.position
        values.push(E[at] as number)
        backs.push((g, gr) => void (gr.E[at] = (gr.E[at] as number) + g))
      }
      let r = 1
      for (const x of values) r *= x
      clique += c.cw * (1 - r)
      if (grad !== null) {
        // d(1 − R)/d factor_i = −Π_{j≠i} factor_j, by prefix and suffix products (exact with zeros).
        const k = values.length
        const suffix = new Float64Array(k + 1)
        suffix[k] = 1
        for (let i = k - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] as number) * (values[i] as number)
        let prefix = 1
        for (let i = 0; i < k; i++) {
          backs[i]!(-c.cw * prefix * (suffix[i + 1] as number), grad)
          prefix *= values[i] as number
        }
      }
    }
  }
  return { total: nodes + edges + clique, nodes, edges, clique, alignment: al }
}

/** The loss's terms and the alignment, as plain numbers (no gradient): for logs, reports and tests. */
export const structuralTerms = (
  pred: SoftGraph,
  target: Graph,
  weights: LossWeights = defaultLossWeights,
  options: AlignmentOptions = {}
): StructuralTerms => {
  const c = prepare(pred, target, weights)
  return evaluate(c, align(c, weights, options), null)
}

/** The structural loss as a [1, 1] tensor (see the module comment). */
export const structuralLoss = (
  pred: SoftGraph,
  target: Graph,
  weights: LossWeights = defaultLossWeights,
  options: AlignmentOptions = {}
): Tensor => {
  const c = prepare(pred, target, weights)
  const al = align(c, weights, options)
  const inputs = [pred.labels, pred.values, pred.existence, pred.edges] as const
  const wantGrad = T.isGradEnabled() && inputs.some((t) => t.requiresGrad)
  const grad: Gradients | null = wantGrad
    ? {
      L: new Float64Array(c.L.length),
      V: new Float64Array(c.V.length),
      X: new Float64Array(c.X.length),
      E: new Float64Array(c.E.length)
    }
    : null
  const terms = evaluate(c, al, grad)
  return T.fromOp("structuralLoss", Float64Array.of(terms.total), 1, 1, inputs, (g) => {
    if (grad === null) return
    const scale = g[0] as number
    const parts = [grad.L, grad.V, grad.X, grad.E]
    inputs.forEach((input, i) => {
      if (!input.requiresGrad) return
      const into = input.gradBuffer()
      const from = parts[i] as Float64Array
      for (let j = 0; j < from.length; j++) into[j] = (into[j] as number) + scale * (from[j] as number)
    })
  })
}
