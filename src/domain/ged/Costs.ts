/**
 * Edit costs of the graph edit distance (SPEC §6, `[loss]` in train_config.toml).
 *
 * Only the four insertion/deletion costs are configurable; the relabel costs are
 * derived: a node whose label changes costs (nodeInsertion + nodeDeletion) / 2, an
 * edge whose argument position changes costs (edgeInsertion + edgeDeletion) / 2.
 * A relabel is therefore never dearer than deleting and re-inserting the same item.
 */
export interface GedCosts {
  readonly nodeInsertion: number
  readonly nodeDeletion: number
  readonly edgeInsertion: number
  readonly edgeDeletion: number
}

/** The seed's `[loss]` values. */
export const defaultGedCosts: GedCosts = {
  nodeInsertion: 1,
  nodeDeletion: 1,
  edgeInsertion: 0.5,
  edgeDeletion: 0.5
}

/** Cost of substituting a node by one with a different label. */
export const nodeRelabelCost = (c: GedCosts): number => (c.nodeInsertion + c.nodeDeletion) / 2

/** Cost of keeping an edge whose argument position changes. */
export const edgeRelabelCost = (c: GedCosts): number => (c.edgeInsertion + c.edgeDeletion) / 2

/** The costs seen from the other side: ged(a, b, c) = ged(b, a, transposeCosts(c)). */
export const transposeCosts = (c: GedCosts): GedCosts => ({
  nodeInsertion: c.nodeDeletion,
  nodeDeletion: c.nodeInsertion,
  edgeInsertion: c.edgeDeletion,
  edgeDeletion: c.edgeInsertion
})

/** Costs must be finite and non-negative; anything else is a programming error. */
export const checkCosts = (c: GedCosts): GedCosts => {
  for (const [key, value] of Object.entries(c))
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw new RangeError(`GED cost ${key} must be a finite number ≥ 0, got ${String(value)}`)
  return c
}
