/** What the trainer measures of a model: SPEC §6 accuracy of its own answers, and their mean GED to the targets. */
import type { Expr } from "../../domain/Expr.js"
import { ged, type GedCosts, type GedResult } from "../../domain/ged/index.js"
import { toGraph, type Graph } from "../../domain/Graph.js"
import type { BrainExample, BrainModel } from "../../services/Brain.js"
import { isCorrect } from "../grading.js"
import type { LabelledExample } from "./examples.js"

/** The GED of two graphs under the costs (the Loss service's `metric`; the exact GED by default). */
export type GedMetric = (a: Graph, b: Graph, costs: GedCosts) => GedResult

/** The model's answers, one per example (answers[i] to examples[i]). */
export type Answers = ReadonlyArray<Expr | undefined>

/** SPEC §6 accuracy of answers the model already gave to `examples`. */
export const accuracyOfAnswers = (examples: ReadonlyArray<LabelledExample>, answers: Answers): number => {
  if (examples.length === 0) return 0
  let ok = 0
  examples.forEach((e, i) => {
    if (isCorrect(answers[i], e.expected, e.input.expr)) ok++
  })
  return ok / examples.length
}

/** SPEC §6 accuracy of the model's own answers. */
export const accuracyOf = (model: BrainModel, examples: ReadonlyArray<LabelledExample>): number =>
  examples.length === 0 ? 0 : accuracyOfAnswers(examples, model.predict(examples.map((e) => e.input)))

const targetExpr = (e: BrainExample): Expr => (e.target._tag === "Number" ? { _tag: "Float", value: e.target.value } : e.target.expr)

/** Mean GED (SPEC §6) between answers the model already gave to `examples` and the targets; no answer = an empty graph. */
export const meanGedOfAnswers = (examples: ReadonlyArray<BrainExample>, answers: Answers, costs: GedCosts, metric: GedMetric = ged): number => {
  if (examples.length === 0) return 0
  let total = 0
  examples.forEach((e, i) => {
    const a = answers[i]
    const target = toGraph(targetExpr(e))
    total += metric(a === undefined ? { nodes: [], edges: [] } : toGraph(a), target, costs).distance
  })
  return total / examples.length
}

/** Mean GED (SPEC §6) between the model's answers and the targets; no answer = an empty graph. */
export const meanGed = (model: BrainModel, examples: ReadonlyArray<BrainExample>, costs: GedCosts, metric: GedMetric = ged): number =>
  examples.length === 0 ? 0 : meanGedOfAnswers(examples, model.predict(examples.map((e) => e.input)), costs, metric)
