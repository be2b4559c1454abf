/**
 * The middle stage of the forward pass: one height level's nodes from their children.
 * A level whose gates are all locked computes each node's own unit only (lockedUnits;
 * with unknowns, its tangent too, nodes grouped by unit), and every unit's value only
 * where it is read (the roots' for the objective, or `paths`); otherwise every unit's
 * value, mixed by the gates.
 */
import * as T from "../../../tensor/index.js"
import type { Tensor } from "../../../tensor/index.js"
import type { HeightLevel } from "../featurize.js"
import { arithmeticUnits, lockedUnits, unaryUnits } from "../units/fused.js"
import { PATH_COUNT, READOUT, TANGENT_PATH_COUNT } from "../units/paths.js"
import { arithmeticTangents, finiteOnly, readoutSigns, readoutUnit, unaryTangents, UNIT_TANGENTS } from "../units/tangents.js"
import { mix } from "./gates.js"
import type { LevelOutput, UnitTables } from "./types.js"

/**
 * Every unit's value for rows with heads `head` [n, K], from the children's values a, b
 * (and with unknowns, the first child's tangent ta for the readout).
 */
const allUnits = (tables: UnitTables, a: Tensor, b: Tensor, head: T.Index, ta?: Tensor): Tensor => {
  const parts = [arithmeticUnits(a, b, tables.units, head), unaryUnits(a, tables.unary, head)]
  if (tables.readout !== undefined && ta !== undefined)
    parts.push(readoutUnit(a, ta, T.gather(tables.readout, head), readoutSigns(tables.readoutChoices, head, a, ta)))
  return T.concatCols(parts)
}

/** Rows `local` of x (x itself when they are all its rows in order). */
const rowsOf = (x: Tensor, local: Int32Array): Tensor => (local.length === x.rows && local.every((j, i) => j === i) ? x : T.gather(x, local))

const headsOf = (level: HeightLevel, local: Int32Array): Int32Array => Int32Array.from(local, (j) => level.head[j] as number)

/** Every gate locked, no unknowns: a node's value is its own unit's, the only one computed. */
const lockedLevel = (tables: UnitTables, level: HeightLevel, a: Tensor, b: Tensor, gates: Int32Array): LevelOutput => {
  let all: Tensor | undefined
  return {
    values: lockedUnits(a, b, tables.units, tables.unary, level.head, gates),
    tangents: undefined,
    paths: {
      all: () => (all ??= allUnits(tables, a, b, level.head)),
      at: (local) => (all !== undefined ? T.gather(all, local) : allUnits(tables, T.gather(a, local), T.gather(b, local), headsOf(level, local)))
    },
    gates
  }
}

/**
 * Every gate locked, with unknowns: each node's value and tangent of its own unit only,
 * nodes grouped by unit (the readout's tangent is 0).
 */
const lockedTangentLevel = (tables: UnitTables, level: HeightLevel, a: Tensor, b: Tensor, ta: Tensor, tb: Tensor, gates: Int32Array): LevelOutput => {
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
    const head = local.length === level.count ? level.head : headsOf(level, local)
    if (k === READOUT) {
      valuesByUnit.push(readoutUnit(ak, tak, T.gather(tables.readout!, head), readoutSigns(tables.readoutChoices, head, ak, tak)))
      tangentsByUnit.push(T.zeros(local.length, 1))
    } else {
      valuesByUnit.push(lockedUnits(ak, bk, tables.units, tables.unary, head, new Int32Array(local.length).fill(k)))
      tangentsByUnit.push(finiteOnly(UNIT_TANGENTS[k]!(ak, bk, tak, tbk, T.gather(tables.units, head), T.gather(tables.unary, head))))
    }
  }
  let all: Tensor | undefined
  return {
    values: used.length === 1 ? (valuesByUnit[0] as Tensor) : T.gatherConcat(valuesByUnit, place),
    tangents: used.length === 1 ? (tangentsByUnit[0] as Tensor) : T.gatherConcat(tangentsByUnit, place),
    paths: {
      all: () => (all ??= allUnits(tables, a, b, level.head, ta)),
      at: (local) =>
        all !== undefined ? T.gather(all, local) : allUnits(tables, rowsOf(a, local), rowsOf(b, local), headsOf(level, local), rowsOf(ta, local))
    },
    gates
  }
}

/** Some gate still mixing: every unit's value (and tangent), Σₖ gₖ pathₖ. */
const mixedLevel = (
  tables: UnitTables, level: HeightLevel, a: Tensor, b: Tensor, ta: Tensor | undefined, tb: Tensor | undefined, gates: Int32Array | Tensor, K: number
): LevelOutput => {
  let tangentPaths: Tensor | undefined
  if (ta !== undefined && tb !== undefined)
    tangentPaths = finiteOnly(
      T.concatCols([
        arithmeticTangents(a, b, ta, tb, T.gather(tables.units, level.head)),
        unaryTangents(a, ta, T.gather(tables.unary, level.head)),
        T.zeros(a.rows, 1)
      ])
    )
  const paths = allUnits(tables, a, b, level.head, ta) // [n, K]
  return {
    values: mix(gates, paths, K),
    tangents: tangentPaths === undefined ? undefined : mix(gates, tangentPaths, K),
    paths: { all: () => paths, at: (local) => T.gather(paths, local) },
    gates
  }
}

/**
 * Level `level` from its children's values a, b [n, 1] (`tangent` reads the children's
 * tangents in a batch with unknowns) and its gates ([n, K] or every row's locked unit).
 */
export const evaluateLevel = (
  tables: UnitTables,
  level: HeightLevel,
  a: Tensor,
  b: Tensor,
  tangent: ((rows: Int32Array) => Tensor) | undefined,
  gates: Int32Array | Tensor,
  K: number
): LevelOutput => {
  if (tangent === undefined && gates instanceof Int32Array && gates.every((k) => k < PATH_COUNT)) return lockedLevel(tables, level, a, b, gates)
  const ta = tangent?.(level.child0)
  const tb = tangent?.(level.child1)
  if (ta !== undefined && tb !== undefined && gates instanceof Int32Array && gates.every((k) => k <= READOUT))
    return lockedTangentLevel(tables, level, a, b, ta, tb, gates)
  return mixedLevel(tables, level, a, b, ta, tb, gates, K)
}
