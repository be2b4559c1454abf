/**
 * A node mapping and what it costs as a graph edit path.
 *
 * `mapping[u]` is the node of b that node u of a becomes, or -1 when u is deleted;
 * nodes of b that are nobody's image are inserted. The cost follows SPEC §6: a
 * substituted node costs its relabel cost when the labels differ, an edge whose two
 * endpoints are mapped onto the endpoints of an edge of b with the same direction is
 * kept (relabelled if its position changes), every other edge is deleted or inserted.
 * The graph edit distance is the minimum of this cost over all mappings.
 */
import type { Graph } from "../Graph.js"
import { edgeRelabelCost, type GedCosts, nodeRelabelCost } from "./Costs.js"
import { type EdgeCostTable, pairCost } from "./EdgeCost.js"
import { labelMatch } from "./Labels.js"

export type NodeMapping = ArrayLike<number>

export const edgeCostTable = (c: GedCosts): EdgeCostTable => ({
  insertion: c.edgeInsertion,
  deletion: c.edgeDeletion,
  relabel: edgeRelabelCost(c)
})

/** Edges grouped by ordered endpoint pair: key from·n + to → ascending positions. */
export const edgePairs = (g: Graph): Map<number, Array<number>> => {
  const n = g.nodes.length
  const pairs = new Map<number, Array<number>>()
  for (const e of g.edges) {
    if (e.from < 0 || e.from >= n || e.to < 0 || e.to >= n)
      throw new RangeError(`edge ${e.from}→${e.to} leaves a graph of ${n} nodes`)
    const key = e.from * n + e.to
    const list = pairs.get(key)
    if (list === undefined) pairs.set(key, [e.position])
    else list.push(e.position)
  }
  for (const list of pairs.values()) if (list.length > 1) list.sort((x, y) => x - y)
  return pairs
}

/** Throws unless `mapping` is an injective partial map from a's nodes to b's. */
export const checkMapping = (a: Graph, b: Graph, mapping: NodeMapping): void => {
  if (mapping.length !== a.nodes.length)
    throw new RangeError(`mapping has ${mapping.length} entries for ${a.nodes.length} nodes`)
  const used = new Uint8Array(b.nodes.length)
  for (let u = 0; u < mapping.length; u++) {
    const v = mapping[u] as number
    if (v === -1) continue
    if (!Number.isInteger(v) || v < 0 || v >= b.nodes.length) throw new RangeError(`node ${u} maps to ${v}`)
    if (used[v]) throw new RangeError(`two nodes map to node ${v}`)
    used[v] = 1
  }
}

export const mappingCost = (a: Graph, b: Graph, mapping: NodeMapping, costs: GedCosts): number => {
  checkMapping(a, b, mapping)
  const n = a.nodes.length
  const m = b.nodes.length
  const equal = labelMatch(a.nodes, b.nodes).equal
  const relabel = nodeRelabelCost(costs)
  const edge = edgeCostTable(costs)
  const isImage = new Uint8Array(m)
  let total = 0
  for (let u = 0; u < n; u++) {
    const v = mapping[u] as number
    if (v < 0) total += costs.nodeDeletion
    else {
      isImage[v] = 1
      if (!equal(u, v)) total += relabel
    }
  }
  for (let v = 0; v < m; v++) if (!isImage[v]) total += costs.nodeInsertion
  const pb = edgePairs(b)
  const matched = new Set<number>()
  for (const [key, positions] of edgePairs(a)) {
    const x = mapping[Math.floor(key / n)] as number
    const y = mapping[key % n] as number
    const image = x >= 0 && y >= 0 ? pb.get(x * m + y) : undefined
    if (image === undefined) total += positions.length * edge.deletion
    else {
      matched.add(x * m + y)
      total += pairCost(positions, image, edge)
    }
  }
  for (const [key, positions] of pb) if (!matched.has(key)) total += positions.length * edge.insertion
  return total
}
