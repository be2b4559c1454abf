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
 *
 * In a batch with unknowns (symbol leaves no binding names), every node also carries its
 * tangent: the derivative of its value with respect to the unknowns, propagated through
 * the same units (forward-mode differentiation, so a node affine in x carries (α, β) =
 * (tangent, value at the unknown's learned value)). Such a batch has one more unit, the
 * readout of the first child's pair: σ · (s₁ sgn v + 1 − s₁)(s₂ sgn t + 1 − s₂) ·
 * exp(c + p₁ ln|v| + p₂ ln|t|), with σ = ±1 and s₁, s₂ ∈ {0, 1} discrete choices found by
 * search (ArithmeticBrainLive), c, p₁, p₂ per head from a map like the other units'.
 *
 * The parts: the parameters per head (./HeadMap.ts), the units (./units/: their formulas,
 * the fused ops, their tangents), and the forward pass by stage (./forward/: the leaves and
 * children, the gates, one height level, the roots); this class owns the parameters and
 * the learned discrete state, and runs the stages.
 */
import type { Rng } from "../../domain/Random.js"
import * as T from "../../tensor/index.js"
import type { Parameter, Tensor } from "../../tensor/index.js"
import { Module } from "../../tensor/index.js"
import type { FeaturizedBatch } from "./featurize.js"
import { levelGates } from "./forward/gates.js"
import { childReader, leafInputs } from "./forward/inputs.js"
import { evaluateLevel } from "./forward/level.js"
import { readOut } from "./forward/roots.js"
import type { BrainForward, ForwardOptions, LevelPaths, UnitTables } from "./forward/types.js"
import { HeadMap } from "./HeadMap.js"
import { PATH_COUNT, TANGENT_PATH_COUNT } from "./units/paths.js"
import { FIRST_HEADS, heads } from "./vocabulary.js"

export { PATH_COUNT, PATHS, READOUT, TANGENT_PATH_COUNT } from "./units/paths.js"
export type { BrainForward, ForwardOptions } from "./forward/types.js"

export interface ArithmeticBrainShape {
  /** Width of head and symbol embeddings. */
  readonly embedding: number
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

  /** Every unit's parameters for every head row (T.concatCols of the maps' tables, once per forward). */
  private unitTables(tangentMode: boolean): UnitTables {
    return {
      units: T.concatCols([this.affine.table(), this.product.table(), this.powers.table(), this.signs.table(), this.rate.table(), this.omega.table()]),
      unary: T.concatCols([this.sine.table(), this.expo.table(), this.logarithm.table(), this.ratio.table()]),
      readout: tangentMode ? this.readout.table() : undefined,
      readoutChoices: this.readoutSigns
    }
  }

  forward(batch: FeaturizedBatch, options: ForwardOptions = {}): BrainForward {
    // With unknowns, nodes carry tangents too and the readout unit joins (K = 9).
    const tangentMode = batch.hasUnbound
    const K = tangentMode ? TANGENT_PATH_COUNT : PATH_COUNT
    const leaves = leafInputs(batch, this.unknownValue, this.unknownTangent)
    // Node values by height level ([leaves], [level 1], …), read by the levels above.
    const valueParts: Array<Tensor> = [leaves.values]
    const tangentParts: Array<Tensor> = leaves.tangents === undefined ? [] : [leaves.tangents]
    const children = childReader(batch, options, valueParts, tangentParts)
    const tables = this.unitTables(tangentMode)
    let gateLogits: Tensor | undefined
    const gateTable = (): Tensor =>
      (gateLogits ??= tangentMode ? T.concatCols([this.gate.table(), this.readoutGate.table()]) : this.gate.table())
    const pathRows: Array<LevelPaths> = []
    const gateRows: Array<Int32Array | Tensor> = []
    for (const level of batch.levels) {
      const a = children.value(level.child0) // [n, 1]
      const b = children.value(level.child1) // [n, 1]
      const gates = levelGates(this.lockedPath, level.head, gateTable, K) // [n, K] or every row's locked unit
      const out = evaluateLevel(tables, level, a, b, tangentMode ? children.tangent : undefined, gates, K)
      valueParts.push(out.values)
      if (out.tangents !== undefined) tangentParts.push(out.tangents)
      pathRows.push(out.paths)
      gateRows.push(out.gates)
    }
    return readOut(batch, K, valueParts, tangentParts, pathRows, gateRows)
  }
}
