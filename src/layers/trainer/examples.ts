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
import { parse } from "../../domain/Polish.js"
import type { BrainExample } from "../../services/Brain.js"
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

export const labelled = (line: Example, options: { readonly subtrees?: boolean } = {}): LabelledExample => {
  const expr = inputOf(line)
  const bindings = line.bindings.map(([name, value]) => [name, value] as const)
  const symbolic = line.expected_symbolic === null ? null : fromJson(line.expected_symbolic)
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
    subtreeValues: options.subtrees === true && line.expected_result !== null ? subtreeValues(expr, bindings) : undefined
  }
}
