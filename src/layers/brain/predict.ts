/**
 * The default brain's answers, each checked by the brain itself before it is given
 * (./selfCheck.ts): an answer whose check fails, or that rests on something the brain
 * never learned, is no answer, with the reason.
 *
 * Inputs with a learned expression emitter (derivatives) and definite problems are
 * answered by their emitters; the rest by the bottom-up value. A problem inside an input
 * is answered first and its answer takes its place (./symbolic/compose.ts), unless the
 * input is answered as it stands (an integral of a derivative: the brain knows that
 * antitangent).
 */
import type { Expr } from "../../domain/Expr.js"
import type { BrainInput, Prediction } from "../../services/Brain.js"
import * as T from "../../tensor/index.js"
import { READOUT, type ArithmeticBrain } from "./ArithmeticBrain.js"
import { canFeaturize, featurize, freeSymbols, headRowsOf, unknownOf } from "./featurize.js"
import { checkRoots, checkTangents, type Evaluate, type RootClaim, type TangentClaim } from "./selfCheck.js"
import { answerInnerProblems } from "./symbolic/compose.js"
import type { DefiniteHeads } from "./symbolic/DefiniteHeads.js"
import type { SymbolicHeads } from "./symbolic/SymbolicHeads.js"
import { headRow, heads } from "./vocabulary.js"

export interface Answerers {
  readonly net: ArithmeticBrain
  readonly evaluate: Evaluate
  readonly symbolic: SymbolicHeads
  readonly definite: DefiniteHeads
}

type Emitted = { readonly expr: Expr | undefined; readonly claim?: TangentClaim | undefined } | undefined

/** Why the bottom-up value of an input cannot be trusted, or undefined when it can. */
const distrust = (net: ArithmeticBrain, input: BrainInput): string | undefined => {
  if (!canFeaturize(input.expr)) return "the input has a head the brain has no input for"
  const free = freeSymbols(input)
  if (free.length > 0) return `${free.join(", ")} ${free.length === 1 ? "has" : "have"} no value (not bound, not the unknown)`
  const unlearned = [...headRowsOf(input.expr)].filter((h) => (net.lockedPath[h] as number) < 0)
  if (unlearned.length > 0) return `it never learned a unit for ${unlearned.map((h) => heads[h]).join(", ")}`
  // With an unknown, only a readout root turns the unknown's pair into a number of its own;
  // any other root's value is a function of the unknown's arbitrary learned value.
  const unknown = unknownOf(input)
  if (unknown !== undefined && rootUnit(net, input.expr) !== READOUT) return `its value depends on ${unknown}, which has no value here`
  return undefined
}

const rootUnit = (net: ArithmeticBrain, e: Expr): number =>
  e._tag === "Op" || e._tag === "Fn" ? (net.lockedPath[headRow(e, e.args.length === 1 ? 1 : 2)] as number) : -1

/** A readout root's claim: its first argument (the node it reads) vanishes at the answer. */
const rootClaim = (net: ArithmeticBrain, input: BrainInput, value: number): RootClaim | undefined => {
  const e = input.expr
  const variable = unknownOf(input)
  if ((e._tag !== "Op" && e._tag !== "Fn") || variable === undefined || rootUnit(net, e) !== READOUT) return undefined
  return { equation: e.args[0] as Expr, variable, value, bindings: input.bindings }
}

export const predictChecked = (a: Answerers, inputs: ReadonlyArray<BrainInput>): Array<Prediction> =>
  T.noGrad(() => {
    const { net, evaluate, symbolic, definite } = a
    const out: Array<Prediction> = inputs.map(() => ({ answer: undefined }))
    const tangentJobs: Array<{ readonly i: number; readonly claim: TangentClaim }> = []
    const give = (i: number, emitted: NonNullable<Emitted>) => {
      if (emitted.expr === undefined) return void (out[i] = { answer: undefined, reason: "it has learned no rule that answers this" })
      out[i] = { answer: emitted.expr }
      if (emitted.claim !== undefined) tangentJobs.push({ i, claim: emitted.claim })
    }
    // An inner problem is checked on its own: its answer is what the outer one works on.
    const subproblem = (input: BrainInput) => {
      const emitted: Emitted = definite.answers([input])[0] ?? symbolic.answer(input)
      if (emitted?.expr === undefined || emitted.claim === undefined) return emitted
      const reason = checkTangents(evaluate, [emitted.claim])[0]
      return reason === undefined ? emitted : { expr: undefined, reason: `the brain's own check failed: ${reason}` }
    }
    const direct = definite.answers(inputs)
    const usable: Array<{ readonly i: number; readonly input: BrainInput }> = []
    inputs.forEach((input, i) => {
      const mine = direct[i]
      if (mine?.expr !== undefined) return give(i, mine)
      const inner = answerInnerProblems(input, subproblem)
      if ("reason" in inner) return void (out[i] = { answer: undefined, reason: inner.reason })
      const emitted: Emitted = (inner === input ? mine : definite.answers([inner])[0]) ?? symbolic.answer(inner)
      if (emitted !== undefined) return give(i, emitted)
      const reason = distrust(net, inner)
      if (reason !== undefined) return void (out[i] = { answer: undefined, reason })
      usable.push({ i, input: inner })
    })
    const rootJobs: Array<{ readonly i: number; readonly claim: RootClaim }> = []
    if (usable.length > 0) {
      const values = net.forward(featurize(usable.map((u) => u.input))).output.data
      usable.forEach(({ i, input }, k) => {
        const v = values[k] as number
        if (!Number.isFinite(v)) return void (out[i] = { answer: undefined, reason: "its value is not a finite number" })
        out[i] = { answer: { _tag: "Float", value: v } }
        const claim = rootClaim(net, input, v)
        if (claim !== undefined) rootJobs.push({ i, claim })
      })
    }
    const failed = (i: number, reason: string | undefined) => {
      if (reason !== undefined) out[i] = { answer: undefined, reason: `the brain's own check failed: ${reason}` }
    }
    checkTangents(evaluate, tangentJobs.map((j) => j.claim)).forEach((r, k) => failed((tangentJobs[k] as { i: number }).i, r))
    checkRoots(evaluate, rootJobs.map((j) => j.claim)).forEach((r, k) => failed((rootJobs[k] as { i: number }).i, r))
    return out
  })
