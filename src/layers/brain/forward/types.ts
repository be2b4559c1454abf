/** What the brain's forward pass takes and gives, and what its stages hand each other. */
import type { Tensor } from "../../../tensor/index.js"

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

/** Every unit's parameters for every head row, read once per forward (a node reads its head's row). */
export interface UnitTables {
  /** [H, 10] in arithmeticUnits' layout (../units/paths.ts). */
  readonly units: Tensor
  /** [H, 12] in unaryUnits' layout. */
  readonly unary: Tensor
  /** The readout unit's [c, p₁, p₂] per head [H, 3] (batches with unknowns only). */
  readonly readout: Tensor | undefined
  /** The readout's discrete choices per head row, [σ, s₁, s₂] a row. */
  readonly readoutChoices: Float64Array
}

/** The children's values (and with unknowns, tangents) of a level's nodes, by row [n, 1]. */
export interface ChildReader {
  readonly value: (rows: Int32Array) => Tensor
  readonly tangent: (rows: Int32Array) => Tensor
}

/** A height level's unit values [·, K]: of all its rows, or of some rows (by their index in the level). */
export interface LevelPaths {
  readonly all: () => Tensor
  readonly at: (local: Int32Array) => Tensor
}

/** One height level evaluated: its nodes' values [n, 1] (and tangents), unit values and gates. */
export interface LevelOutput {
  readonly values: Tensor
  readonly tangents: Tensor | undefined
  readonly paths: LevelPaths
  /** [n, K], or every row's locked unit. */
  readonly gates: Int32Array | Tensor
}
