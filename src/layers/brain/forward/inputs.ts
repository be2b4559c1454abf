/**
 * The first stage of the forward pass: the leaves' values (and with unknowns, tangents),
 * and how a level reads its children — predictions, or under teacher or affine forcing
 * the targets where the batch has them.
 */
import * as T from "../../../tensor/index.js"
import type { Tensor } from "../../../tensor/index.js"
import type { FeaturizedBatch } from "../featurize.js"
import type { ChildReader, ForwardOptions } from "./types.js"

/**
 * The batch's numbers as a constant column [leafCount, 1] (ops never write their inputs:
 * no copy needed). Bound symbols already read their binding's value (featurize); with
 * unknowns, the unknown's leaves read its learned pair (its value is 0 in batch.leafValues).
 */
export const leafInputs = (
  batch: FeaturizedBatch,
  unknownValue: Tensor,
  unknownTangent: Tensor
): { readonly values: Tensor; readonly tangents: Tensor | undefined } => {
  const values = new T.Tensor(batch.leafValues, batch.leafCount, 1)
  if (!batch.hasUnbound) return { values, tangents: undefined }
  const rows = Array.from(batch.symbolLeafRow).filter((_, s) => batch.symbolLeafUnbound[s] === 1)
  const first = new Array<number>(rows.length).fill(0)
  return {
    values: T.scatterAdd(values, rows, T.gather(unknownValue, first)),
    tangents: T.scatterAdd(T.zeros(batch.leafCount, 1), rows, T.gather(unknownTangent, first))
  }
}

/**
 * Reads children from the node values and tangents computed so far, by height level
 * ([leaves], [level 1], …; the caller appends each level): rows are gathered across the
 * parts, so the values of all rows are never copied into one growing tensor.
 */
export const childReader = (
  batch: FeaturizedBatch,
  options: ForwardOptions,
  valueParts: ReadonlyArray<Tensor>,
  tangentParts: ReadonlyArray<Tensor>
): ChildReader => {
  const teacherForcing = options.teacherForcing === true
  const teacher = teacherForcing ? batch.nodeTargets : undefined
  const known = teacher?.map((v) => (Number.isNaN(v) ? 0 : 1))
  const teacherValues = teacher === undefined ? undefined : T.column(teacher.map((v) => (Number.isNaN(v) ? 0 : v)))
  // Teacher pairs (affine targets): a node's tangent α and its value β at the unknown = 0.
  const affine = (teacherForcing || options.affineForcing === true) && batch.hasUnbound ? batch.nodeAffine : undefined
  const affineKnown = affine === undefined ? undefined : Uint8Array.from({ length: affine.length / 2 }, (_, r) => (Number.isNaN(affine[2 * r]) ? 0 : 1))
  const affineTangent = affine === undefined ? undefined : T.column(Array.from({ length: affine.length / 2 }, (_, r) => (affineKnown![r] ? affine[2 * r]! : 0)))
  const affineValue = affine === undefined ? undefined : T.column(Array.from({ length: affine.length / 2 }, (_, r) => (affineKnown![r] ? affine[2 * r + 1]! : 0)))
  return {
    value: (rows) => {
      let predicted = T.gatherConcat(valueParts, rows)
      if (teacherValues !== undefined && known !== undefined)
        predicted = T.where(Array.from(rows, (r) => known[r] as number), T.gather(teacherValues, rows), predicted)
      if (affineValue !== undefined && affineKnown !== undefined)
        predicted = T.where(Array.from(rows, (r) => affineKnown[r] as number), T.gather(affineValue, rows), predicted)
      return predicted
    },
    tangent: (rows) => {
      const predicted = T.gatherConcat(tangentParts, rows)
      if (affineTangent === undefined || affineKnown === undefined) return predicted
      return T.where(Array.from(rows, (r) => affineKnown[r] as number), T.gather(affineTangent, rows), predicted)
    }
  }
}
