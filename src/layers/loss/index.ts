/**
 * The GED loss and the soft-graph helpers a brain that emits expressions uses.
 */
export { align, type Alignment, type AlignmentMethod, defaultAlignmentMaxExpansions } from "./Alignment.js"
export { GedLoss, layer, make } from "./GedLoss.js"
export { numberLoss, relativeBeta, rho, rhoPrime } from "./NumberLoss.js"
export {
  decodeGraph,
  type DecodedGraph,
  defaultSymbols,
  defaultVocabulary,
  encodeGraph,
  type EncodeOptions,
  labelColumn,
  maxArity,
  numberGraph,
  numberLabel,
  softGraphShape,
  vocabulary
} from "./SoftGraph.js"
export { structuralLoss, type StructuralTerms, structuralTerms } from "./Structural.js"
