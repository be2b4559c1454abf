/**
 * GRAPHEME-TS, the library API for research scripts: the domain types, the services
 * (interfaces) and their layers (implementations). Compose with Effect.provide; every
 * swap (optimizer, storage, loss, brain, extra curriculum levels) is a layer swap.
 */

// Domain: expressions, their text, JSON and graph forms, seeded randomness.
export * from "./domain/Expr.js"
export { parse, print, formatFloat } from "./domain/Polish.js"
export { parseInfix, printInfix } from "./domain/Infix.js"
export { parseExpression, printIn, type Notation } from "./domain/Notation.js"
export { parseJson } from "./domain/Json.js"
export { ParseError } from "./domain/errors.js"
export { ExprFromJson, ExprJsonSchema, fromJson, toJson, type ExprJson } from "./domain/ExprJson.js"
export { fromGraph, toGraph, labelsEqual, type Edge, type Graph, type NodeLabel } from "./domain/Graph.js"
export { Rng, type RngState } from "./domain/Random.js"
export { Example, decodeLine, encodeLine, type LineIssue } from "./domain/Example.js"
export * as Ged from "./domain/ged/index.js"

// The Engine.
export { Engine, EngineError, type EngineApi, type SolveResult, type DefiniteIntegral } from "./services/Engine.js"
export { EngineLive } from "./layers/EngineLive.js"
export { isCorrect, isCorrectNumber, valueOfAnswer, type Expected } from "./layers/grading.js"

// The curriculum and data generation.
export * from "./plugins/index.js"
export { Curriculum, type CurriculumApi } from "./services/Curriculum.js"
export { pluginsFromConfig, type PluginSpecs } from "./layers/config/load.js"
export { CurriculumLive, layerFromConfig as curriculumFromConfig, layerWith as curriculumWith } from "./layers/CurriculumLive.js"
export { Generator, GeneratorError } from "./services/Generator.js"
export { GeneratorLive, layer as generatorLayer } from "./layers/generator/GeneratorLive.js"
export { convertDeepmind, deepmindModules } from "./domain/DeepMind.js"
export { importDeepmind, formatImportReport, ImportError, type ImportReport } from "./layers/import/deepmind.js"

// Learning: tensors, the brain, the loss, the optimizers, training loops.
export * as T from "./tensor/index.js"
export {
  Brain,
  BrainError,
  withSource,
  type BrainExample,
  type BrainInput,
  type BrainLayerSource,
  type BrainModel,
  type BrainTarget
} from "./services/Brain.js"
export { ArithmeticBrainLive } from "./layers/brain/ArithmeticBrainLive.js"
export { fit, type FitOptions } from "./layers/brain/fit.js"
export { subtreeValues } from "./layers/brain/targets.js"
export { Loss, LossError, defaultLossWeights, type LossWeights, type SoftGraph } from "./services/Loss.js"
export { GedLoss } from "./layers/loss/index.js"
export { Optimizer, OptimizerError, type OptimizerInstance, type OptimizerOptions } from "./services/Optimizer.js"
export { Adam, AdamW, Sgd, optimizerLayers } from "./layers/optimizers/index.js"
export { labelled, type LabelledExample } from "./layers/trainer/examples.js"
export { runCurriculum, accuracyOf, TrainerError, type TrainerSettings, type TrainerIo } from "./layers/trainer/curriculum.js"
export { Trainer } from "./layers/trainer/Trainer.js"
export { DefaultBrain } from "./layers/trainer/defaultBrain.js"
export { TrainingEvent, MetricsRecord, metricsRecordOf, decodeMetricsJsonl } from "./domain/TrainingEvent.js"
export { logLinesOf } from "./domain/trainingLog/render.js"
