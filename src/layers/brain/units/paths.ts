/**
 * The units of a cell and how their parameters are laid out. A node's value mixes the
 * PATHS (or, once its head's gate is locked, reads one of them); in a batch with unknowns
 * the readout unit joins as one more path (see ./readout.ts).
 *
 * Parameters of a head row, as the fused ops read them (./fused.ts):
 *   arithmetic [10] = w₁ w₂ (affine) | m₁ m₂ gate logits (product) | p₁ p₂ s₁ s₂ (power-product) | r ω (exponent)
 *   unary      [12] = A w c (sine) | w c (exp) | w c (log) | A w₁ c₁ w₂ c₂ (ratio)
 * A unit's own parameters are a contiguous run starting at its PARAMETER_OFFSET in its table.
 */
export const PATHS = ["affine", "product", "power-product", "exponent", "sine", "exponential", "logarithm", "ratio"] as const
export const PATH_COUNT = PATHS.length
/** The readout unit's column, after the PATHS (batches with unknowns only). */
export const READOUT = PATH_COUNT
export const TANGENT_PATH_COUNT = PATH_COUNT + 1

/** Units of two inputs (the first PATHS), computed by arithmeticUnits. */
export const UNIT_COUNT = 4
/** Columns of the arithmetic parameter table. */
export const UNIT_PARAMETERS = 10
/** Units of the first input only (the PATHS from UNIT_COUNT on), computed by unaryUnits. */
export const UNARY_COUNT = 4
/** Columns of the unary parameter table. */
export const UNARY_PARAMETERS = 12
if (UNIT_COUNT + UNARY_COUNT !== PATH_COUNT || PATHS[UNIT_COUNT] !== "sine")
  throw new Error(`units: ${UNIT_COUNT} arithmetic and ${UNARY_COUNT} unary units do not cover ${PATHS.join(", ")}`)

/** Where unit k's own parameters start: in the arithmetic table (k < UNIT_COUNT) or the unary one. */
export const PARAMETER_OFFSET: ReadonlyArray<number> = [0, 2, 4, 8, 0, 3, 5, 7]
