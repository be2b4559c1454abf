/**
 * Graph edit distance between expression graphs (SPEC §6): the exact metric, the
 * upper bounds used above its size limit, and the pieces they are made of.
 */
export * from "./Assignment.js"
export * from "./Bipartite.js"
export * from "./Costs.js"
export * from "./EdgeCost.js"
export * from "./Exact.js"
export * from "./Forest.js"
export * from "./Ged.js"
export * from "./Labels.js"
export * from "./Mapping.js"
export * from "./SimpleBounds.js"
export * from "./TreeEdit.js"
export * from "./ZhangShasha.js"
