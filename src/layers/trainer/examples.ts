/**
 * From dataset lines (SPEC §5) to what the brain trains on and what the validator
 * grades: the input with its bindings, the target (the number where the line has
 * one, else the expression), and, for teacher forcing, the Engine's value of every
 * operator subtree (computed here, in data preparation, never in the forward pass).
 */
import { Either } from "effect"
import type { Example } from "../../domain/Example.js"
import type { Expr } from "../../domain/Expr.js"
import { fromJson } from "../../domain/ExprJson.js"
import { parse, print } from "../../domain/Polish.js"
import type { BrainExample } from "../../services/Brain.js"
import type { SubtreeAffine } from "../brain/featurize.js"
import { subtreeValues } from "../brain/targets.js"
import type { Expected } from "../grading.js"

export interface LabelledExample extends BrainExample {
  readonly id: string
  readonly level: number
  readonly key: string
  readonly expected: Expected
}

export const inputOf = (line: Example): Expr =>
  Either.getOrElse(parse(line.input_polish), () => fromJson(line.input_expr))

const affinePair = (v: unknown): readonly [number, number] | undefined =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x)) ? [v[0] as number, v[1] as number] : undefined

/**
 * The line's `lhs_affine` / `rhs_affine` (level 7) as affine targets of the equation's two
 * sides, keyed by their printed Polish; undefined when the line has none.
 */
export const sideAffine = (line: Example, expr: Expr): SubtreeAffine | undefined => {
  const lhs = affinePair(line["lhs_affine"])
  const rhs = affinePair(line["rhs_affine"])
  if (lhs === undefined || rhs === undefined) return undefined
  const stack: Array<Expr> = [expr]
  while (stack.length > 0) {
    const e = stack.pop() as Expr
    if (e._tag === "Fn" && e.fn === "=" && e.args.length === 2)
      return new Map([
        [print(e.args[0] as Expr), lhs],
        [print(e.args[1] as Expr), rhs]
      ])
    if (e._tag === "Op" || e._tag === "Fn") stack.push(...e.args)
  }
  return undefined
}

/**
 * Every operator subtree's value, with no stack trace captured for the Engine errors of
 * the subtrees that have none: most of a definite integral's or an equation's subtrees
 * hold a free variable, each such evaluation throws an EngineError that is caught and
 * dropped, and capturing its stack (under the stream's deep fiber stack) took 14 s of
 * the ~40 s spent reading the training splits (a profiled run). The limit is restored whatever happens.
 */
export const quietSubtreeValues: typeof subtreeValues = (expr, bindings) => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return subtreeValues(expr, bindings)
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * A dataset line as the trainer and the grader use it. With `numberOnly`, a line that has a
 * number answer keeps no symbolic form (training and grading use the number; level 6's
 * antiderivatives would otherwise be 80,000 trees nothing reads).
 */
export const labelled = (line: Example, options: { readonly subtrees?: boolean; readonly numberOnly?: boolean } = {}): LabelledExample => {
  const expr = inputOf(line)
  const bindings = line.bindings.map(([name, value]) => [name, value] as const)
  const symbolic =
    line.expected_symbolic === null || (options.numberOnly === true && line.expected_result !== null) ? null : fromJson(line.expected_symbolic)
  const expected: Expected = { result: line.expected_result, symbolic }
  return {
    id: line.id,
    level: line.level,
    key: line.input_polish,
    expected,
    input: { expr, bindings },
    target:
      line.expected_result !== null
        ? { _tag: "Number", value: line.expected_result }
        : { _tag: "Expression", expr: symbolic ?? { _tag: "Integer", value: 0n } },
    subtreeValues: options.subtrees === true && line.expected_result !== null ? quietSubtreeValues(expr, bindings) : undefined,
    subtreeAffine: options.subtrees === true ? sideAffine(line, expr) : undefined
  }
}
