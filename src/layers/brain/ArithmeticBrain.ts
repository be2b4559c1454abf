/**
 * The default brain for number-valued levels: op-conditioned cells evaluated bottom-up
 * along the input tree (see ../shared/BRAIN-NOTES.md, "The shape that works").
 *
 * Every node carries one learned value. A leaf's value is its number, or for a symbol
 * the value bound to its exact name (a pointer, ./featurize.ts: nothing is learned about
 * how a name is spelled). An operator node with children a, b
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
import { FIRST_HEADS, heads } from "./vocabulary.js"

export const PATHS = ["affine", "product", "power-product", "exponent", "sine", "exponential", "logarithm", "ratio"] as const
export const PATH_COUNT = PATHS.length
/**
 * In a batch with unknowns (symbol leaves no binding names), every node also carries its
 * tangent: the derivative of its value with respect to the unknowns, propagated through
 * the same units (forward-mode differentiation, so a node affine in x carries (α, β) =
 * (tangent, value at the unknown's learned value)). Such a batch has one more unit, the
 * readout of the first child's pair: σ · (s₁ sgn v + 1 − s₁)(s₂ sgn t + 1 − s₂) ·
 * exp(c + p₁ ln|v| + p₂ ln|t|), with σ = ±1 and s₁, s₂ ∈ {0, 1} discrete choices found by
 * search (ArithmeticBrainLive), c, p₁, p₂ per head from a map like the other units'.
 */
export const READOUT = PATH_COUNT
export const TANGENT_PATH_COUNT = PATH_COUNT + 1
// The first units are computed by one fused op, T.arithmeticUnits, whose output columns are PATHS in order;
// the unary units (of the first child only) by another, T.unaryUnits. A height level whose gates are all
// locked computes each node's own unit only (T.lockedUnits; with unknowns, its tangent too, nodes grouped
// by unit), and every unit's value only where it is read (the roots' for the objective, or `paths`).
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
  /** In a batch with unknowns: every row's tangent [N, 1] (the derivative along the unknowns). */
  readonly tangents?: Tensor | undefined
}

export interface ForwardOptions {
  /**
   * Teacher forcing: operator nodes read their children's target values (where the
   * batch has them) instead of the children's predictions. For the warm-up only.
   */
  readonly teacherForcing?: boolean
  /**
   * Nodes with affine targets (batch.nodeAffine) pass their target pair (α, β) to their
   * parents instead of their own (values and tangents). For training only.
   */
  readonly affineForcing?: boolean
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
    // The first rows now, the added ones by initAddedRow (after every other parameter).
    this.embedding = T.Parameter.zeros(heads.length, d)
    for (let i = 0; i < FIRST_HEADS * d; i++) this.embedding.data[i] = rng.normal()
    this.map = new EmbeddingMap(rng, d, k, biasInit, scale)
    this.frozen = T.Parameter.zeros(heads.length, d)
    this.frozen.requiresGrad = false
    this.fixed = T.Parameter.zeros(heads.length, k)
    this.fixed.requiresGrad = false
  }
  initAddedRow(rng: Rng, row: number): void {
    const d = this.embedding.cols
    for (let i = row * d; i < (row + 1) * d; i++) this.embedding.data[i] = rng.normal()
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

/** Rows e_k of the K×K identity (a zero row for k < 0): locked gates as a constant [n, K]. */
const oneHot = (path: ArrayLike<number>, K: number = PATH_COUNT): Tensor => {
  const hard = new Float64Array(path.length * K)
  for (let i = 0; i < path.length; i++) {
    const k = path[i] as number
    if (k >= 0 && k < K) hard[i * K + k] = 1
  }
  return new T.Tensor(hard, path.length, K)
}
const IDENTITIES = [PATH_COUNT, TANGENT_PATH_COUNT].map((K) => oneHot(Array.from({ length: K }, (_, k) => k), K))
const identity = (K: number): Tensor => IDENTITIES[K === PATH_COUNT ? 0 : 1] as Tensor
const gateTensor = (gates: Int32Array | Tensor, K: number = PATH_COUNT): Tensor => (gates instanceof Int32Array ? oneHot(gates, K) : gates)

const col = (q: Tensor, j: number): Tensor => T.sliceCols(q, j, j + 1)

/** A · sin(w a + c) with the parameters in columns j, j+1, j+2 of q. */
const sineOf = (a: Tensor, A: Tensor | undefined, w: Tensor, c: Tensor): Tensor => {
  const s = T.sin(T.add(T.mul(w, a), c))
  return A === undefined ? s : T.mul(A, s)
}

/**
 * The unary units of a cell, of its first child a [n, 1], with each row's parameters
 * q [n, 12] (the layout in `forward`, fused in T.unaryUnits): sine, exp, log, ratio as
 * columns [n, 4].
 */
export const unaryUnits = (a: Tensor, q: Tensor): Tensor => T.unaryUnits(a, q)

/** a with |a| < 1e-12 replaced by ±1e-12 (a constant there), for quotients by a. */
const awayFromZero = (a: Tensor): Tensor => {
  const small = Array.from(a.data, (v) => (Math.abs(v) < 1e-12 ? 1 : 0))
  return T.where(small, T.column(Array.from(a.data, (v) => (v < 0 ? -1e-12 : 1e-12))), a)
}
const lnAbs = (a: Tensor): Tensor => T.log(T.clamp(T.abs(a), 1e-12, 1e300))
const expClamped = (x: Tensor): Tensor => T.exp(T.clamp(x, -EXP_LIMIT, EXP_LIMIT))

const one = (x: Tensor) => T.rsubScalar(1, x) // 1 − x

/**
 * The tangent of one unit: its derivative along the children's tangents ta, tb [n, 1], at
 * the children's values a, b, with each row's parameters u [n, 10] (T.arithmeticUnits'
 * layout) and q [n, 12] (T.unaryUnits'). [n, 1]. Generic calculus of the unit formulas: no
 * unit is tied to a head.
 */
type UnitTangent = (a: Tensor, b: Tensor, ta: Tensor, tb: Tensor, u: Tensor, q: Tensor) => Tensor

const affineTangent: UnitTangent = (_a, _b, ta, tb, u) => T.add(T.mul(col(u, 0), ta), T.mul(col(u, 1), tb))

const productTangent: UnitTangent = (a, b, ta, tb, u) => {
  const m1 = T.hardSigmoid(col(u, 2))
  const m2 = T.hardSigmoid(col(u, 3))
  const fa = T.add(T.mul(m1, a), one(m1)) // m₁a + 1 − m₁
  const fb = T.add(T.mul(m2, b), one(m2))
  return T.add(T.mul(T.mul(m1, ta), fb), T.mul(fa, T.mul(m2, tb)))
}

// power-product σ |a|^p₁ |b|^p₂ with σ = (s₁ sgn a + 1 − s₁)(s₂ sgn b + 1 − s₂):
// ∂/∂a = (s₂ sgn b + 1 − s₂) p₁ |a|^(p₁−1) (s₁ + (1 − s₁) sgn a), the same in b.
const powerTangent: UnitTangent = (a, b, ta, tb, u) => {
  const sa = T.sign(a.detach())
  const sb = T.sign(b.detach())
  const s1 = T.hardSigmoid(col(u, 6))
  const s2 = T.hardSigmoid(col(u, 7))
  const p1 = col(u, 4)
  const p2 = col(u, 5)
  const la = lnAbs(a)
  const lb = lnAbs(b)
  const gateA = T.add(T.mul(s1, sa), one(s1))
  const gateB = T.add(T.mul(s2, sb), one(s2))
  const slopeA = T.add(s1, T.mul(one(s1), sa))
  const slopeB = T.add(s2, T.mul(one(s2), sb))
  const dA = T.mul(T.mul(gateB, T.mul(p1, expClamped(T.add(T.mul(T.addScalar(p1, -1), la), T.mul(p2, lb))))), slopeA)
  const dB = T.mul(T.mul(gateA, T.mul(p2, expClamped(T.add(T.mul(p1, la), T.mul(T.addScalar(p2, -1), lb))))), slopeB)
  return T.add(T.mul(dA, ta), T.mul(dB, tb))
}

// exponent (1 − n(1 − cos ωb)) exp(r b ln|a|), n = (1 − sgn a)/2
const exponentTangent: UnitTangent = (a, b, ta, tb, u) => {
  const sa = T.sign(a.detach())
  const la = lnAbs(a)
  const r = col(u, 8)
  const omega = col(u, 9)
  const n = T.scale(T.rsubScalar(1, sa), 0.5)
  const E = expClamped(T.mul(T.mul(r, b), la))
  const P = T.rsubScalar(1, T.mul(n, T.rsubScalar(1, T.cos(T.mul(omega, b)))))
  const dEa = T.div(T.mul(T.mul(P, E), T.mul(r, b)), awayFromZero(a))
  const dEb = T.sub(T.mul(T.mul(P, E), T.mul(r, la)), T.mul(E, T.mul(n, T.mul(omega, T.sin(T.mul(omega, b))))))
  return T.add(T.mul(dEa, ta), T.mul(dEb, tb))
}

const sineTangent: UnitTangent = (a, _b, ta, _tb, _u, q) =>
  T.mul(T.mul(T.mul(col(q, 0), col(q, 1)), T.cos(T.add(T.mul(col(q, 1), a), col(q, 2)))), ta)

const expTangent: UnitTangent = (a, _b, ta, _tb, _u, q) =>
  T.mul(T.mul(col(q, 3), T.exp(T.clamp(T.add(T.mul(col(q, 3), a), col(q, 4)), -EXP_LIMIT, EXP_LIMIT))), ta)

const logTangent: UnitTangent = (a, _b, ta, _tb, _u, q) => T.div(T.mul(col(q, 5), ta), awayFromZero(a))

const ratioTangent: UnitTangent = (a, _b, ta, _tb, _u, q) => {
  const numerator = sineOf(a, col(q, 7), col(q, 8), col(q, 9))
  const numeratorSlope = T.mul(T.mul(col(q, 7), col(q, 8)), T.cos(T.add(T.mul(col(q, 8), a), col(q, 9))))
  const denominator = sineOf(a, undefined, col(q, 10), col(q, 11))
  const small = Array.from(denominator.data, (v) => (Math.abs(v) < RATIO_FLOOR ? 1 : 0))
  const floor = T.column(Array.from(denominator.data, (v) => (v < 0 ? -RATIO_FLOOR : RATIO_FLOOR)))
  const D = T.where(small, floor, denominator)
  const denominatorSlope = T.mul(col(q, 10), T.cos(T.add(T.mul(col(q, 10), a), col(q, 11))))
  return T.mul(T.sub(T.div(numeratorSlope, D), T.div(T.mul(numerator, denominatorSlope), T.square(D))), ta)
}

/** The tangent of each of the PATH_COUNT units, in PATHS' order. */
const UNIT_TANGENTS: ReadonlyArray<UnitTangent> = [
  affineTangent, productTangent, powerTangent, exponentTangent, sineTangent, expTangent, logTangent, ratioTangent
]
const NONE = T.zeros(0, T.UNARY_PARAMETERS) // the parameters a unit does not read

/** Tangents of the units of T.arithmeticUnits [n, 4] (see UnitTangent). */
export const arithmeticTangents = (a: Tensor, b: Tensor, ta: Tensor, tb: Tensor, u: Tensor): Tensor =>
  T.concatCols(UNIT_TANGENTS.slice(0, UNARY_START).map((f) => f(a, b, ta, tb, u, NONE)))

/** Tangents of unaryUnits (of the first child a along ta), with the same parameters q [n, 12]. [n, 4] */
export const unaryTangents = (a: Tensor, ta: Tensor, q: Tensor): Tensor =>
  T.concatCols(UNIT_TANGENTS.slice(UNARY_START).map((f) => f(a, a, ta, ta, NONE, q)))

/**
 * The readout unit of a pair (v, t) [n, 1]: signs [n, 1] (σ times the gated signs, a
 * constant) · exp(c + p₁ ln|v| + p₂ ln|t|) with q = [c, p₁, p₂] per row [n, 3].
 */
export const readoutUnit = (v: Tensor, t: Tensor, q: Tensor, signs: Tensor): Tensor =>
  T.mul(signs, expClamped(T.add(col(q, 0), T.add(T.mul(col(q, 1), lnAbs(v)), T.mul(col(q, 2), lnAbs(t))))))

/** A height level's unit values [·, K]: of all its rows, or of some rows (by their index in the level). */
interface LevelPaths {
  readonly all: () => Tensor
  readonly at: (local: Int32Array) => Tensor
}

/** Entries that are not finite read 0 (with no gradient there). */
const finiteOnly = (x: Tensor): Tensor => {
  const bad = Array.from(x.data, (v) => (Number.isFinite(v) ? 0 : 1))
  return bad.includes(1) ? T.where(bad, T.zeros(x.rows, x.cols), x) : x
}

export class ArithmeticBrain extends Module {
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
  /** The readout unit's [c, p₁, p₂] and its gate logit (batches with unknowns only). */
  readonly readout: HeadMap
  readonly readoutGate: HeadMap
  /** The unknown's value and tangent [1, 1] each: the same for every name (a pointer has no spelling). */
  readonly unknownValue: Parameter
  readonly unknownTangent: Parameter
  /**
   * The readout unit's discrete choices per head row (found by search, see ArithmeticBrainLive):
   * σ ∈ {−1, 1} and the sign gates s₁, s₂ ∈ {0, 1} (rows of [σ, s₁, s₂]).
   */
  readonly readoutSigns: Float64Array = new Float64Array(heads.length * 3).fill(1)

  /**
   * A learned discrete choice: the unit each head row uses once its gate is locked
   * (−1 = still mixing). Set by `lockGates` from the gates' own argmax, never in code.
   */
  readonly lockedPath: Int32Array = new Int32Array(heads.length).fill(-1)

  constructor(rng: Rng, readonly shape: ArithmeticBrainShape = { embedding: 8 }) {
    super()
    const d = shape.embedding
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
    // Drawn after every earlier parameter, so that the earlier ones start as before they existed.
    this.readout = new HeadMap(rng, d, 3, this.frozenHead, this.solvedHead, () => 0, 0.5)
    this.readoutGate = new HeadMap(rng, d, 1, this.frozenHead, this.solvedHead, () => 0, 0.1)
    this.unknownValue = T.Parameter.from([0.1 * rng.normal()], 1, 1)
    this.unknownTangent = T.Parameter.from([0.1 * rng.normal()], 1, 1)
    // Row by row across the units, so that adding a row leaves the earlier added rows' values unchanged.
    for (let row = FIRST_HEADS; row < heads.length; row++) for (const unit of this.units()) unit.initAddedRow(rng, row)
  }

  /**
   * softmax(G e), or the one-hot of the locked unit for rows whose gate is locked.
   * `logits` gives the gate table [H, K] (computed once per forward, only if some row
   * of the batch is still unlocked). When every row is locked the gates are constants
   * (soft gates would get a zero gradient) and only each row's unit is returned.
   */
  private gates(headRows: Int32Array, logits: () => Tensor, K: number): Int32Array | Tensor {
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
    const mask = new Float64Array(n * K)
    for (let i = 0; i < n; i++) if ((path[i] as number) >= 0) mask.fill(1, i * K, (i + 1) * K)
    return T.where(mask, oneHot(path, K), soft)
  }

  /**
   * Learned discrete state of consolidation (BrainModel.consolidate): head rows whose
   * level has ended (their unit parameters are read from the frozen copies and never
   * trained again) and whether the maps are frozen.
   */
  readonly frozenHead: Uint8Array = new Uint8Array(heads.length)
  /** Head rows whose parameters were fixed by an exact search fit (./search.ts). */
  readonly solvedHead: Uint8Array = new Uint8Array(heads.length)
  consolidated = false

  /** Every head map (for freezing and state). */
  units(): ReadonlyArray<HeadMap> {
    return [
      this.affine, this.product, this.powers, this.signs, this.rate, this.omega, this.gate, this.sine, this.expo, this.logarithm, this.ratio,
      this.readout, this.readoutGate
    ]
  }

  /**
   * After a level: freeze every unit's shared map, so that training the next level's
   * heads (through their own embedding rows, which reach any parameter vector since
   * k ≤ d) cannot move the units of the heads learned before; freeze the rows of every
   * head learned so far (those with a locked unit). Heads new to the next level keep
   * training freely, and so does the unknown's pair (only equations train it).
   */
  consolidate(): void {
    for (let h = 0; h < heads.length; h++)
      if ((this.lockedPath[h] as number) >= 0 && this.frozenHead[h] === 0) {
        for (const unit of this.units()) unit.copyRow(h)
        this.frozenHead[h] = 1
      }
    this.applyFreezing(true)
  }

  /** Sets requiresGrad from the consolidation flags (also used when state is loaded). */
  applyFreezing(maps: boolean): void {
    this.consolidated = maps
    for (const unit of this.units()) unit.freezeMap(maps)
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

  forward(batch: FeaturizedBatch, options: ForwardOptions = {}): BrainForward {
    // With unknowns, nodes carry tangents too and the readout unit joins (K = 9).
    const tangentMode = batch.hasUnbound
    const K = tangentMode ? TANGENT_PATH_COUNT : PATH_COUNT
    // The batch's numbers as a constant column (ops never write their inputs: no copy needed).
    // Bound symbols already read their binding's value (featurize); the unknown's leaves
    // read its learned pair (its value is 0 in batch.leafValues).
    let leafValues: Tensor = new T.Tensor(batch.leafValues, batch.leafCount, 1)
    let leafTangents: Tensor | undefined
    if (tangentMode) {
      const rows = Array.from(batch.symbolLeafRow).filter((_, s) => batch.symbolLeafUnbound[s] === 1)
      const first = new Array<number>(rows.length).fill(0)
      leafValues = T.scatterAdd(leafValues, rows, T.gather(this.unknownValue, first))
      leafTangents = T.scatterAdd(T.zeros(batch.leafCount, 1), rows, T.gather(this.unknownTangent, first))
    }
    // Node values by height level ([leaves], [level 1], …): children are gathered across the
    // parts, so the values of all rows are never copied into one growing tensor.
    const valueParts: Array<Tensor> = [leafValues]
    const tangentParts: Array<Tensor> = leafTangents === undefined ? [] : [leafTangents]
    const teacherForcing = options.teacherForcing === true
    const teacher = teacherForcing ? batch.nodeTargets : undefined
    const known = teacher?.map((v) => (Number.isNaN(v) ? 0 : 1))
    const teacherValues = teacher === undefined ? undefined : T.column(teacher.map((v) => (Number.isNaN(v) ? 0 : v)))
    // Teacher pairs (affine targets): a node's tangent α and its value β at the unknown = 0.
    const affine = (teacherForcing || options.affineForcing === true) && tangentMode ? batch.nodeAffine : undefined
    const affineKnown = affine === undefined ? undefined : Uint8Array.from({ length: affine.length / 2 }, (_, r) => (Number.isNaN(affine[2 * r]) ? 0 : 1))
    const affineTangent = affine === undefined ? undefined : T.column(Array.from({ length: affine.length / 2 }, (_, r) => (affineKnown![r] ? affine[2 * r]! : 0)))
    const affineValue = affine === undefined ? undefined : T.column(Array.from({ length: affine.length / 2 }, (_, r) => (affineKnown![r] ? affine[2 * r + 1]! : 0)))
    const child = (rows: Int32Array): Tensor => {
      let predicted = T.gatherConcat(valueParts, rows)
      if (teacherValues !== undefined && known !== undefined)
        predicted = T.where(Array.from(rows, (r) => known[r] as number), T.gather(teacherValues, rows), predicted)
      if (affineValue !== undefined && affineKnown !== undefined)
        predicted = T.where(Array.from(rows, (r) => affineKnown[r] as number), T.gather(affineValue, rows), predicted)
      return predicted
    }
    const childTangent = (rows: Int32Array): Tensor => {
      const predicted = T.gatherConcat(tangentParts, rows)
      if (affineTangent === undefined || affineKnown === undefined) return predicted
      return T.where(Array.from(rows, (r) => affineKnown[r] as number), T.gather(affineTangent, rows), predicted)
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
    const readout = tangentMode ? this.readout.table() : undefined
    let gateLogits: Tensor | undefined
    const gateTable = (): Tensor =>
      (gateLogits ??= tangentMode ? T.concatCols([this.gate.table(), this.readoutGate.table()]) : this.gate.table())
    // The readout's constant signs σ (s₁ sgn a + 1 − s₁)(s₂ sgn ta + 1 − s₂) of rows with heads `head` [n, 1].
    const readoutSigns = (head: ArrayLike<number>, a: Tensor, ta: Tensor): Tensor =>
      T.column(
        Array.from(head, (h, i) => {
          const sigma = this.readoutSigns[3 * h] as number
          const s1 = this.readoutSigns[3 * h + 1] as number
          const s2 = this.readoutSigns[3 * h + 2] as number
          return sigma * (s1 * Math.sign(a.data[i] as number) + 1 - s1) * (s2 * Math.sign(ta.data[i] as number) + 1 - s2)
        })
      )
    // Every unit's value for rows of a level [n, K], from the children's values (and with
    // unknowns, the first child's tangent for the readout).
    const allUnits = (a: Tensor, b: Tensor, head: T.Index, ta?: Tensor): Tensor => {
      const parts = [T.arithmeticUnits(a, b, units, head), T.unaryUnits(a, unary, head)]
      if (readout !== undefined && ta !== undefined) parts.push(readoutUnit(a, ta, T.gather(readout, head), readoutSigns(head, a, ta)))
      return T.concatCols(parts)
    }
    // Rows `local` of x (x itself when they are all its rows in order).
    const rowsOf = (x: Tensor, local: Int32Array): Tensor => (local.length === x.rows && local.every((j, i) => j === i) ? x : T.gather(x, local))
    // Per-level path values [n, K] (all rows, or some rows by their index in the level) and
    // gates, so that the roots' can be gathered.
    const pathRows: Array<LevelPaths> = []
    const gateRows: Array<Int32Array | Tensor> = []
    for (const level of batch.levels) {
      const a = child(level.child0) // [n, 1]
      const b = child(level.child1) // [n, 1]
      const gates = this.gates(level.head, gateTable, K) // [n, K] or every row's locked unit
      if (!tangentMode && gates instanceof Int32Array && gates.every((k) => k < PATH_COUNT)) {
        // Every gate locked: a node's value is its own unit's, the only one computed. Every
        // unit's value (read at the roots by the objective, or for all rows) on demand.
        valueParts.push(T.lockedUnits(a, b, units, unary, level.head, gates))
        let all: Tensor | undefined
        pathRows.push({
          all: () => (all ??= allUnits(a, b, level.head)),
          at: (local) => (all !== undefined ? T.gather(all, local) : allUnits(T.gather(a, local), T.gather(b, local), Int32Array.from(local, (j) => level.head[j] as number)))
        })
        gateRows.push(gates)
        continue
      }
      const ta = tangentMode ? childTangent(level.child0) : undefined
      const tb = tangentMode ? childTangent(level.child1) : undefined
      if (ta !== undefined && tb !== undefined && gates instanceof Int32Array && gates.every((k) => k <= READOUT)) {
        // With unknowns, every gate locked: each node's value and tangent of its own unit only,
        // nodes grouped by unit (the readout's tangent is 0).
        const groups = Array.from({ length: TANGENT_PATH_COUNT }, () => [] as Array<number>)
        gates.forEach((k, j) => groups[k]!.push(j))
        const used = groups.flatMap((rows, k) => (rows.length > 0 ? [k] : []))
        const place = new Int32Array(level.count)
        const tangentsByUnit: Array<Tensor> = []
        const valuesByUnit: Array<Tensor> = []
        let at = 0
        for (const k of used) {
          const local = Int32Array.from(groups[k]!)
          local.forEach((j, m) => (place[j] = at + m))
          at += local.length
          const [ak, bk, tak, tbk] = [a, b, ta, tb].map((x) => rowsOf(x, local)) as [Tensor, Tensor, Tensor, Tensor]
          const head = local.length === level.count ? level.head : Int32Array.from(local, (j) => level.head[j] as number)
          if (k === READOUT) {
            valuesByUnit.push(readoutUnit(ak, tak, T.gather(readout!, head), readoutSigns(head, ak, tak)))
            tangentsByUnit.push(T.zeros(local.length, 1))
          } else {
            valuesByUnit.push(T.lockedUnits(ak, bk, units, unary, head, new Int32Array(local.length).fill(k)))
            tangentsByUnit.push(finiteOnly((UNIT_TANGENTS[k] as UnitTangent)(ak, bk, tak, tbk, T.gather(units, head), T.gather(unary, head))))
          }
        }
        valueParts.push(used.length === 1 ? (valuesByUnit[0] as Tensor) : T.gatherConcat(valuesByUnit, place))
        tangentParts.push(used.length === 1 ? (tangentsByUnit[0] as Tensor) : T.gatherConcat(tangentsByUnit, place))
        let all: Tensor | undefined
        pathRows.push({
          all: () => (all ??= allUnits(a, b, level.head, ta)),
          at: (local) =>
            all !== undefined ? T.gather(all, local) : allUnits(rowsOf(a, local), rowsOf(b, local), Int32Array.from(local, (j) => level.head[j] as number), rowsOf(ta, local))
        })
        gateRows.push(gates)
        continue
      }
      let tangentPaths: Tensor | undefined
      if (ta !== undefined && tb !== undefined)
        tangentPaths = finiteOnly(
          T.concatCols([arithmeticTangents(a, b, ta, tb, T.gather(units, level.head)), unaryTangents(a, ta, T.gather(unary, level.head)), T.zeros(a.rows, 1)])
        )
      // affine, product, power-product, exponent (the formulas in the header) fused in one op, the unary units in another
      const paths = allUnits(a, b, level.head, ta) // [n, K]
      pathRows.push({ all: () => paths, at: (local) => T.gather(paths, local) })
      gateRows.push(gates)
      // Σₖ gₖ pathₖ: with every gate locked, the locked unit's path (row k of the identity · paths)
      // A head locked to the readout has no value without an unknown (a node of it reads NaN).
      const unitless = gates instanceof Int32Array && gates.some((k) => k >= K) ? T.column(Array.from(gates, (k) => (k >= K ? NaN : 0))) : undefined
      const mix = (x: Tensor) =>
        gates instanceof Int32Array
          ? unitless === undefined
            ? T.rowDot(identity(K), gates, x, undefined)
            : T.add(T.rowDot(identity(K), gates.map((k) => (k >= K ? 0 : k)), x, undefined), unitless)
          : T.rowDot(gates, undefined, x, undefined)
      valueParts.push(mix(paths))
      if (tangentPaths !== undefined) tangentParts.push(mix(tangentPaths))
    }
    // Leaves carry their value on every path, with uniform gates (built only if read).
    const leafPaths = () => T.matmul(leafValues, T.ones(1, K))
    const leafGates = () => T.full(batch.leafCount, K, 1 / K)
    const leafRoot = batch.roots.some((r) => r < batch.leafCount)
    const atRoots = (leaf: () => Tensor, levels: Array<Tensor>): Tensor =>
      leafRoot || levels.length === 0
        ? T.gather(T.concatRows([leaf(), ...levels]), batch.roots)
        : T.gatherConcat(levels, batch.roots.map((r) => r - batch.leafCount))
    let values: Tensor | undefined
    let tangents: Tensor | undefined
    let paths: Tensor | undefined
    let gates: Tensor | undefined
    const rootGates = (): Tensor => {
      if (leafRoot || !gateRows.every((g) => g instanceof Int32Array)) return atRoots(leafGates, gateRows.map((g) => gateTensor(g, K)))
      // all locked: the one-hot rows of the roots' units, built for the roots only
      const path = batch.roots.map((r) => {
        const l = batch.levels.findIndex((level) => r < level.start + level.count)
        return (gateRows[l] as Int32Array)[r - (batch.levels[l] as HeightLevel).start] as number
      })
      return oneHot(path, K)
    }
    const rootPaths = (): Tensor => {
      if (leafRoot || pathRows.length === 0) return atRoots(leafPaths, pathRows.map((p) => p.all()))
      // Each level's roots (by their index in the level), then every root's place among them.
      const local = batch.levels.map(() => [] as Array<number>)
      const place = batch.roots.map((r) => {
        const l = batch.levels.findIndex((level) => r < level.start + level.count)
        local[l]!.push(r - (batch.levels[l] as HeightLevel).start)
        return l
      })
      const used = local.flatMap((rows, l) => (rows.length > 0 ? [l] : []))
      const offset = new Map<number, number>()
      used.reduce((at, l) => (offset.set(l, at), at + local[l]!.length), 0)
      const seen = new Map<number, number>()
      const index = place.map((l) => {
        const k = seen.get(l) ?? 0
        seen.set(l, k + 1)
        return (offset.get(l) as number) + k
      })
      return T.gatherConcat(used.map((l) => (pathRows[l] as LevelPaths).at(Int32Array.from(local[l]!))), index)
    }
    return {
      output: T.gatherConcat(valueParts, batch.roots),
      rootPaths: rootPaths(),
      rootGates: rootGates(),
      // All rows, concatenated on first read (the main objective reads only the roots).
      get values() {
        return (values ??= T.concatRows(valueParts))
      },
      get tangents() {
        if (tangentParts.length === 0) return undefined
        return (tangents ??= T.concatRows(tangentParts))
      },
      get paths() {
        return (paths ??= T.concatRows([leafPaths(), ...pathRows.map((p) => p.all())]))
      },
      get gates() {
        return (gates ??= T.concatRows([leafGates(), ...gateRows.map((g) => gateTensor(g, K))]))
      }
    }
  }
}
