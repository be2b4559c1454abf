/**
 * The bipartite upper bound (Riesen & Bunke 2009, with the edge-aware costs of the
 * exact search): one min-cost assignment between the nodes of both graphs, read as a
 * mapping and priced as a graph edit path. Any graphs, not only forests; O(n³) time
 * and O(n²) memory, so callers keep it to graphs of a few hundred nodes.
 */
import type { Graph } from "../Graph.js"
import { defaultGedCosts, type GedCosts } from "./Costs.js"
import { exactGedSearch } from "./Exact.js"

/** The exact search stopped after its root: the root assignment's edit path (or deleting everything). */
export const bipartiteBound = (a: Graph, b: Graph, costs: GedCosts = defaultGedCosts): number =>
  exactGedSearch(a, b, costs, { maxExpansions: 1 }).distance
