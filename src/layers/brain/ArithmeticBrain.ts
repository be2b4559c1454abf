/**
 * The default brain for number-valued levels: op-conditioned cells evaluated bottom-up
 * along the input tree (see ../shared/BRAIN-NOTES.md, "The shape that works").
 *
 * Every node carries one learned value. A leaf's value is its number, or for a symbol
 * an attention read over the example's bindings. An operator node with children a, b
 * reads its head's embedding e (a random row of a learned table) and mixes generic,
 * parametrised units whose parameters are linear maps of e:
 *
 *   affine      w₁a + w₂b                                        (NAU)
 *   product     (m₁a + 1 − m₁)(m₂b + 1 − m₂),  m = hardσ(·)       (NMU)
 *   power-prod  s · exp(p₁ ln|a| + p₂ ln|b|),  s from gated signs (division is p = (1, −1))
 *   exponent    (1 − nₐ(1 − cos ωb)) · exp(r · b · ln|a|)         (a^b with sign parity)
 *   sine        A · sin(w a + c)                                  (units of one input)
 *   exp         exp(w a + c)
 *   log         w · ln|a| + c
 *   ratio       A · sin(w₁a + c₁) / sin(w₂a + c₂)
 *   value = Σₖ gₖ pathₖ,  g = softmax(G e)
 *
 * Which unit an operator uses is learned; nothing maps a head to its operation.
 */
import type { Rng } from "../../domain/Random.js"
import * as T from "../../tensor/index.js"
import type { Parameter, Tensor } from "../../tensor/index.js"
import { Module } from "../../tensor/index.js"
import type { FeaturizedBatch, HeightLevel } from "./featurize.js"
import { heads, SYMBOL_ROWS } from "./vocabulary.js"

export const PATHS = ["affine", "product", "power-product", "exponent", "sine", "exp", "log", "ratio"] as const
export const PATH_COUNT = PATHS.length
// The first units are computed by one fused op, T.arithmeticUnits, whose output columns are PATHS in order;
// the unary units (of the first child only) by generic tensor ops.
const UNARY_START = T.UNIT_COUNT
if (PATHS[UNARY_START] !== "sine") throw new Error(`ArithmeticBrain: T.arithmeticUnits has ${T.UNIT_COUNT} units`)
/** Below this |denominator| the ratio unit divides by ±RATIO_FLOOR instead (a constant: no gradient). */
const RATIO_FLOOR = 1e-3

export interface ArithmeticBrainShape {
  /** Width of head and symbol embeddings. */
  readonly embedding: number
}

export interface BrainForward {
  /** Value of every node row [N, 1]. */
  readonly values: Tensor
  /** Value at each example's root [B, 1]. */
  readonly output: Tensor
  /** Each unit's value at the root [B, K] and the gates that mixed them [B, K]. */
  readonly rootPaths: Tensor
  readonly rootGates: Tensor
  /**
   * The same for every row [N, K] (leaves repeat their value, with uniform gates).
   * `values`, `paths` and `gates` are built on first read (one concatenation each).
   */
  readonly paths: Tensor
  readonly gates: Tensor
}

export interface ForwardOptions {
  /**
   * Teacher forcing: operator nodes read their children's target values (where the
   * batch has them) instead of the children's predictions. For the warm-up only.
   */
  readonly teacherForcing?: boolean
}

/** A linear map of an embedding to k numbers: e·W + b. */
class EmbeddingMap extends Module {
  readonly weight: Parameter
  readonly bias: Parameter
  constructor(rng: Rng, d: number, k: number, biasInit: (i: number) => number = () => 0, scale = 1) {
    super()
    this.weight = T.init.normal(rng, d, k, scale / Math.sqrt(d))
    this.bias = T.Parameter.from(Array.from({ length: k }, (_, i) => biasInit(i)), 1, k)
  }
  apply(e: Tensor): Tensor {
    return T.add(T.matmul(e, this.weight), this.bias)
  }
}

/**
 * A unit's parameters per head: the head's row of this unit's own embedding table,
 * mapped linearly. Each unit has its own table so that the gradients of one unit
 * (an exponential's can be large) do not move another unit's parameters.
 */
class HeadMap extends Module {
  readonly embedding: Parameter
  /**
   * The rows of consolidated heads, copied from `embedding` when their level ended and
   * never trained again (requiresGrad false): a head row listed in `frozenRows` reads
   * its row here, so no later gradient, optimizer momentum or polish can move it.
   */
  readonly frozen: Parameter
  readonly map: EmbeddingMap
  /**
   * The parameters of solved heads (`solvedRows`): a head whose unit was chosen by
   * search with an exact fit on its data reads its parameters here, fixed (requiresGrad
   * false), so that neither the first-order steps nor a shared map can blur them.
   */
  readonly fixed: Parameter
  constructor(
    rng: Rng,
    d: number,
    k: number,
    private readonly frozenRows: Uint8Array,
    private readonly solvedRows: Uint8Array,
    biasInit: (i: number) => number = () => 0,
    scale = 1
  ) {
    super()
    this.embedding = T.init.normal(rng, heads.length, d, 1)
    this.map = new EmbeddingMap(rng, d, k, biasInit, scale)
    this.frozen = T.Parameter.zeros(heads.length, d)
    this.frozen.requiresGrad = false
    this.fixed = T.Parameter.zeros(heads.length, k)
    this.fixed.requiresGrad = false
  }
  /** The embedding table the forward pass reads: frozen rows from `frozen`, the others trainable. */
  rows(): Tensor {
    const d = this.embedding.cols
    let any = false
    const mask = new Uint8Array(this.frozenRows.length * d)
    for (let h = 0; h < this.frozenRows.length; h++)
      if (this.frozenRows[h] === 1) {
        mask.fill(1, h * d, (h + 1) * d)
        any = true
      }
    return any ? T.where(mask, this.frozen, this.embedding) : this.embedding
  }
  apply(headRows: ArrayLike<number>): Tensor {
    return T.gather(this.table(), Array.from(headRows))
  }
  /** Stops training the shared map: from now on only the embedding rows (one per head) learn. */
  freezeMap(frozen = true): void {
    this.map.weight.requiresGrad = !frozen
    this.map.bias.requiresGrad = !frozen
  }
  /** Copies head row h into the frozen table (the caller then marks it frozen). */
  copyRow(h: number): void {
    const d = this.embedding.cols
    this.frozen.data.set(this.embedding.data.subarray(h * d, (h + 1) * d), h * d)
  }
  /** The map of every head row [H, k]: a node's parameters are its head's row of this table. */
  table(): Tensor {
    const mapped = this.map.apply(this.rows())
    const k = mapped.cols
    let any = false
    const mask = new Uint8Array(this.solvedRows.length * k)
    for (let h = 0; h < this.solvedRows.length; h++)
      if (this.solvedRows[h] === 1) {
        mask.fill(1, h * k, (h + 1) * k)
        any = true
      }
    return any ? T.where(mask, this.fixed, mapped) : mapped
  }
  /** Writes head h's parameters into the fixed table (the caller then marks it solved). */
  fixRow(h: number, values: ArrayLike<number>): void {
    this.fixed.data.set(values, h * this.fixed.cols)
  }
}

const EXP_LIMIT = 50

/**
 * Every (symbol leaf s, binding j of s's example) pair, leaf by leaf, bindings in batch
 * order: the pair's leaf, the binding's name row and value.
 */
const symbolPairs = (batch: FeaturizedBatch) => {
  const { bindingExample, symbolLeafExample } = batch
  // Bindings grouped by example (a stable counting sort).
  const first = new Int32Array(batch.size + 1)
  for (let j = 0; j < bindingExample.length; j++) first[(bindingExample[j] as number) + 1]!++
  for (let k = 0; k < batch.size; k++) first[k + 1]! += first[k] as number
  const fill = first.slice(0, batch.size)
  const byExample = new Int32Array(bindingExample.length)
  for (let j = 0; j < bindingExample.length; j++) byExample[fill[bindingExample[j] as number]!++] = j
  let pairs = 0
  for (let s = 0; s < symbolLeafExample.length; s++) {
    const k = symbolLeafExample[s] as number
    pairs += (first[k + 1] as number) - (first[k] as number)
  }
  const pairLeaf = new Int32Array(pairs)
  const pairName = new Int32Array(pairs)
  const pairValue = new Float64Array(pairs)
  for (let s = 0, p = 0; s < symbolLeafExample.length; s++) {
    const k = symbolLeafExample[s] as number
    for (let i = first[k] as number; i < (first[k + 1] as number); i++, p++) {
      const j = byExample[i] as number
      pairLeaf[p] = s
      pairName[p] = batch.bindingName[j] as number
      pairValue[p] = batch.bindingValue[j] as number
    }
  }
  return { pairLeaf, pairName, pairValue }
}

/** Rows e_k of the K×K identity (a zero row for k < 0): locked gates as a constant [n, K]. */
const oneHot = (path: ArrayLike<number>): Tensor => {
  const hard = new Float64Array(path.length * PATH_COUNT)
  for (let i = 0; i < path.length; i++) {
    const k = path[i] as number
    if (k >= 0) hard[i * PATH_COUNT + k] = 1
  }
  return new T.Tensor(hard, path.length, PATH_COUNT)
}
const IDENTITY = oneHot(Array.from({ length: PATH_COUNT }, (_, k) => k))
const gateTensor = (gates: Int32Array | Tensor): Tensor => (gates instanceof Int32Array ? oneHot(gates) : gates)

const col = (q: Tensor, j: number): Tensor => T.sliceCols(q, j, j + 1)

/** A · sin(w a + c) with the parameters in columns j, j+1, j+2 of q. */
const sineOf = (a: Tensor, A: Tensor | undefined, w: Tensor, c: Tensor): Tensor => {
  const s = T.sin(T.add(T.mul(w, a), c))
  return A === undefined ? s : T.mul(A, s)
}

/**
 * The unary units of a cell, of its first child a [n, 1], with each row's parameters
 * q [n, 12] (the layout in `forward`): sine, exp, log, ratio as columns [n, 4].
 */
export const unaryUnits = (a: Tensor, q: Tensor): Tensor => {
  const sine = sineOf(a, col(q, 0), col(q, 1), col(q, 2))
  const exp = T.exp(T.clamp(T.add(T.mul(col(q, 3), a), col(q, 4)), -EXP_LIMIT, EXP_LIMIT))
  const log = T.add(T.mul(col(q, 5), T.log(T.clamp(T.abs(a), 1e-12, 1e300))), col(q, 6))
  const numerator = sineOf(a, col(q, 7), col(q, 8), col(q, 9))
  const denominator = sineOf(a, undefined, col(q, 10), col(q, 11))
  const small = Array.from(denominator.data, (v) => (Math.abs(v) < RATIO_FLOOR ? 1 : 0))
  const floor = T.column(Array.from(denominator.data, (v) => (v < 0 ? -RATIO_FLOOR : RATIO_FLOOR)))
  const ratio = T.div(numerator, T.where(small, floor, denominator))
  return T.concatCols([sine, exp, log, ratio])
}

export class ArithmeticBrain extends Module {
  readonly symbolEmbedding: Parameter
  readonly query: Parameter
  readonly unboundValue: EmbeddingMap
  readonly unboundScore: EmbeddingMap
  readonly affine: HeadMap
  readonly product: HeadMap
  readonly powers: HeadMap
  readonly signs: HeadMap
  readonly rate: HeadMap
  readonly omega: HeadMap
  readonly gate: HeadMap
  readonly sine: HeadMap
  readonly expo: HeadMap
  readonly logarithm: HeadMap
  readonly ratio: HeadMap

  /**
   * A learned discrete choice: the unit each head row uses once its gate is locked
   * (−1 = still mixing). Set by `lockGates` from the gates' own argmax, never in code.
   */
  readonly lockedPath: Int32Array = new Int32Array(heads.length).fill(-1)

  constructor(rng: Rng, readonly shape: ArithmeticBrainShape = { embedding: 8 }) {
    super()
    const d = shape.embedding
    this.symbolEmbedding = T.init.normal(rng, SYMBOL_ROWS, d, 1)
    this.query = T.init.normal(rng, d, d, 1 / Math.sqrt(d))
    this.unboundValue = new EmbeddingMap(rng, d, 1)
    this.unboundScore = new EmbeddingMap(rng, d, 1)
    this.affine = new HeadMap(rng, d, 2, this.frozenHead, this.solvedHead)
    this.product = new HeadMap(rng, d, 2, this.frozenHead, this.solvedHead)
    this.powers = new HeadMap(rng, d, 2, this.frozenHead, this.solvedHead, () => 0, 0.5)
    this.signs = new HeadMap(rng, d, 2, this.frozenHead, this.solvedHead)
    this.rate = new HeadMap(rng, d, 1, this.frozenHead, this.solvedHead, () => 1, 0.1)
    // ω must find π for the sign parity of integer powers: start its bias in U(2.5, 3.8).
    this.omega = new HeadMap(rng, d, 1, this.frozenHead, this.solvedHead, () => rng.uniform(2.5, 3.8), 0.1)
    this.gate = new HeadMap(rng, d, PATH_COUNT, this.frozenHead, this.solvedHead, () => 0, 0.1)
    // Unary units: generic starting points (amplitude 1, frequency and phase at random).
    const sineInit = [() => 1, () => rng.uniform(0.5, 2), () => rng.uniform(0, 2 * Math.PI)]
    this.sine = new HeadMap(rng, d, 3, this.frozenHead, this.solvedHead, (i) => sineInit[i]!(), 0.1)
    this.expo = new HeadMap(rng, d, 2, this.frozenHead, this.solvedHead, () => 0, 0.1)
    this.logarithm = new HeadMap(rng, d, 2, this.frozenHead, this.solvedHead, (i) => (i === 0 ? 1 : 0), 0.1)
    const ratioInit = [() => 1, () => rng.uniform(0.5, 2), () => rng.uniform(0, 2 * Math.PI), () => rng.uniform(0.5, 2), () => rng.uniform(0, 2 * Math.PI)]
    this.ratio = new HeadMap(rng, d, 5, this.frozenHead, this.solvedHead, (i) => ratioInit[i]!(), 0.1)
  }

  /**
   * softmax(G e), or the one-hot of the locked unit for rows whose gate is locked.
   * `logits` gives the gate table [H, K] (computed once per forward, only if some row
   * of the batch is still unlocked). When every row is locked the gates are constants
   * (soft gates would get a zero gradient) and only each row's unit is returned.
   */
  private gates(headRows: Int32Array, logits: () => Tensor): Int32Array | Tensor {
    const n = headRows.length
    const path = new Int32Array(n)
    let locked = 0
    for (let i = 0; i < n; i++) {
      const k = this.lockedPath[headRows[i] as number] as number
      path[i] = k
      if (k >= 0) locked++
    }
    if (locked === n) return path
    const soft = T.softmax(T.gather(logits(), headRows))
    if (locked === 0) return soft
    const mask = new Float64Array(n * PATH_COUNT)
    for (let i = 0; i < n; i++) if ((path[i] as number) >= 0) mask.fill(1, i * PATH_COUNT, (i + 1) * PATH_COUNT)
    return T.where(mask, oneHot(path), soft)
  }

  /**
   * Learned discrete state of consolidation (BrainModel.consolidate): head rows whose
   * level has ended (their unit parameters are read from the frozen copies and never
   * trained again), whether the maps are frozen, whether the symbol attention has been
   * trained (set by `noteSymbols`) and whether it is frozen.
   */
  readonly frozenHead: Uint8Array = new Uint8Array(heads.length)
  /** Head rows whose parameters were fixed by an exact search fit (./search.ts). */
  readonly solvedHead: Uint8Array = new Uint8Array(heads.length)
  consolidated = false
  symbolsSeen = false
  symbolsFrozen = false

  /** Every head map (for freezing and state). */
  units(): ReadonlyArray<HeadMap> {
    return [this.affine, this.product, this.powers, this.signs, this.rate, this.omega, this.gate, this.sine, this.expo, this.logarithm, this.ratio]
  }

  /**
   * After a level: freeze every unit's shared map, so that training the next level's
   * heads (through their own embedding rows, which reach any parameter vector since
   * k ≤ d) cannot move the units of the heads learned before; freeze the rows of every
   * head learned so far (those with a locked unit), and the symbol attention once it
   * has been trained. Heads new to the next level keep training freely.
   */
  consolidate(): void {
    for (let h = 0; h < heads.length; h++)
      if ((this.lockedPath[h] as number) >= 0 && this.frozenHead[h] === 0) {
        for (const unit of this.units()) unit.copyRow(h)
        this.frozenHead[h] = 1
      }
    this.applyFreezing(true, this.symbolsSeen)
  }

  /** Sets requiresGrad from the consolidation flags (also used when state is loaded). */
  applyFreezing(maps: boolean, symbols: boolean): void {
    this.consolidated = maps
    for (const unit of this.units()) unit.freezeMap(maps)
    this.symbolsFrozen = symbols
    for (const p of [this.symbolEmbedding, this.query, ...this.unboundValue.parameters(), ...this.unboundScore.parameters()])
      p.requiresGrad = !symbols
  }

  /** Locks the gate of every head row listed to its current argmax. */
  lockGates(headRows: Iterable<number>): void {
    T.noGrad(() => {
      const rows = [...headRows]
      const logits = this.gate.apply(rows)
      rows.forEach((h, i) => {
        let best = 0
        for (let k = 1; k < PATH_COUNT; k++) if (logits.get(i, k) > logits.get(i, best)) best = k
        this.lockedPath[h] = best
      })
    })
  }

  /**
   * Values of the symbol leaves: attention of each leaf over its example's bindings,
   * softmax_j((N[leaf] W_q) · N[name_j]) over the bindings plus one "unbound" slot per
   * leaf (score and value are linear maps of N[leaf]). The maps are applied to the name
   * table once ([names, ·]) and read by row, which is the same as mapping each leaf's row.
   */
  private readSymbols(batch: FeaturizedBatch): Tensor | undefined {
    const leaves = batch.symbolLeafRow.length
    if (leaves === 0) return undefined
    const names = this.symbolEmbedding
    const leafName = batch.symbolLeafName
    const nullScore = T.gather(this.unboundScore.apply(names), leafName) // [S, 1]
    const nullValue = T.gather(this.unboundValue.apply(names), leafName) // [S, 1]
    // Pairs (leaf, binding of the same example), after the unbound slots.
    const { pairLeaf, pairName, pairValue } = symbolPairs(batch)
    let scores: Tensor = nullScore
    let values: Tensor = nullValue
    let owner = new Int32Array(leaves + pairLeaf.length)
    for (let s = 0; s < leaves; s++) owner[s] = s
    if (pairLeaf.length > 0) {
      const pairQuery = pairLeaf.map((s) => leafName[s] as number)
      const queries = T.matmul(names, this.query) // [names, d]: N W_q
      const pairScores = T.rowDot(queries, pairQuery, names, pairName) // [P, 1]: (N[leaf] W_q) · N[name]
      scores = T.concatRows([nullScore, pairScores])
      values = T.concatRows([nullValue, new T.Tensor(pairValue, pairValue.length, 1)])
      owner.set(pairLeaf, leaves)
    } else owner = owner.subarray(0, leaves)
    // Σ e^{clamp(score)} · value / Σ e^{clamp(score)} over each leaf's slots (one fused op)
    return T.segmentSoftmaxPool(scores, values, owner, leaves, EXP_LIMIT) // [S, 1]
  }

  forward(batch: FeaturizedBatch, options: ForwardOptions = {}): BrainForward {
    // The batch's numbers as a constant column (ops never write their inputs: no copy needed).
    let leafValues: Tensor = new T.Tensor(batch.leafValues, batch.leafCount, 1)
    const symbolValues = this.readSymbols(batch)
    if (symbolValues !== undefined) leafValues = T.scatterAdd(leafValues, batch.symbolLeafRow, symbolValues)
    // Node values by height level ([leaves], [level 1], …): children are gathered across the
    // parts, so the values of all rows are never copied into one growing tensor.
    const valueParts: Array<Tensor> = [leafValues]
    const teacher = options.teacherForcing === true ? batch.nodeTargets : undefined
    const known = teacher?.map((v) => (Number.isNaN(v) ? 0 : 1))
    const teacherValues = teacher === undefined ? undefined : T.column(teacher.map((v) => (Number.isNaN(v) ? 0 : v)))
    const child = (rows: Int32Array): Tensor => {
      const predicted = T.gatherConcat(valueParts, rows)
      if (teacherValues === undefined || known === undefined) return predicted
      return T.where(Array.from(rows, (r) => known[r] as number), T.gather(teacherValues, rows), predicted)
    }
    // Every unit's parameters for every head row, once per forward (a node reads its head's row):
    // [H, 10] = w₁ w₂ | product logits | p₁ p₂ | sign logits | r | ω  (T.arithmeticUnits' layout).
    const units = T.concatCols([
      this.affine.table(),
      this.product.table(),
      this.powers.table(),
      this.signs.table(),
      this.rate.table(),
      this.omega.table()
    ])
    // [H, 12] = A w c (sine) | w c (exp) | w c (log) | A w₁ c₁ w₂ c₂ (ratio)
    const unary = T.concatCols([this.sine.table(), this.expo.table(), this.logarithm.table(), this.ratio.table()])
    let gateLogits: Tensor | undefined
    const gateTable = (): Tensor => (gateLogits ??= this.gate.table())
    // Per-level path values and gates [n, K], so that the roots' can be gathered.
    const pathRows: Array<Tensor> = []
    const gateRows: Array<Int32Array | Tensor> = []
    for (const level of batch.levels) {
      const a = child(level.child0) // [n, 1]
      const b = child(level.child1) // [n, 1]
      // affine, product, power-product, exponent (the formulas in the header), fused in one op
      const paths = T.concatCols([T.arithmeticUnits(a, b, units, level.head), unaryUnits(a, T.gather(unary, level.head))]) // [n, K]
      const gates = this.gates(level.head, gateTable) // [n, K]
      pathRows.push(paths)
      gateRows.push(gates)
      // Σₖ gₖ pathₖ: with every gate locked, the locked unit's path (row k of the identity · paths)
      valueParts.push(
        gates instanceof Int32Array ? T.rowDot(IDENTITY, gates, paths, undefined) : T.rowDot(gates, undefined, paths, undefined)
      )
    }
    // Leaves carry their value on every path, with uniform gates (built only if read).
    const leafPaths = () => T.matmul(leafValues, T.ones(1, PATH_COUNT))
    const leafGates = () => T.full(batch.leafCount, PATH_COUNT, 1 / PATH_COUNT)
    const leafRoot = batch.roots.some((r) => r < batch.leafCount)
    const atRoots = (leaf: () => Tensor, levels: Array<Tensor>): Tensor =>
      leafRoot || levels.length === 0
        ? T.gather(T.concatRows([leaf(), ...levels]), batch.roots)
        : T.gatherConcat(levels, batch.roots.map((r) => r - batch.leafCount))
    let values: Tensor | undefined
    let paths: Tensor | undefined
    let gates: Tensor | undefined
    const rootGates = (): Tensor => {
      if (leafRoot || !gateRows.every((g) => g instanceof Int32Array)) return atRoots(leafGates, gateRows.map(gateTensor))
      // all locked: the one-hot rows of the roots' units, built for the roots only
      const path = batch.roots.map((r) => {
        const l = batch.levels.findIndex((level) => r < level.start + level.count)
        return (gateRows[l] as Int32Array)[r - (batch.levels[l] as HeightLevel).start] as number
      })
      return oneHot(path)
    }
    return {
      output: T.gatherConcat(valueParts, batch.roots),
      rootPaths: atRoots(leafPaths, pathRows),
      rootGates: rootGates(),
      // All rows, concatenated on first read (the main objective reads only the roots).
      get values() {
        return (values ??= T.concatRows(valueParts))
      },
      get paths() {
        return (paths ??= T.concatRows([leafPaths(), ...pathRows]))
      },
      get gates() {
        return (gates ??= T.concatRows([leafGates(), ...gateRows.map(gateTensor)]))
      }
    }
  }
}
