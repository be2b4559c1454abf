/**
 * `grapheme integrate EXPR [VAR [FROM TO]]` — without bounds the antiderivative
 * (Engine.antiderivative, constant 0), with bounds the definite integral
 * (Engine.definiteIntegral): exact value and decimal, or `≈ decimal (quadrature)`.
 * Bounds can also be given as --from A --to B (what batch mode uses for every line).
 * Batch line: `EXPR[\tVAR[\tFROM\tTO]]`.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect, Option } from "effect"
import { freeSymbols } from "../domain/Expr.js"
import { Engine, EngineError } from "../services/Engine.js"
import { runExpressions } from "./batch.js"
import { UsageError } from "./errors.js"
import { formatDefinite, formatForm } from "./format.js"
import { agreeing, chooseVariable, exprArg, fileOption, infixOption, showWith, varArg, varOption } from "./options.js"

const boundsArg = Args.text({ name: "bound" }).pipe(
  Args.withDescription("FROM TO: the bounds of a definite integral (expressions, e.g. 0 1, -1 pi/2)."),
  Args.atMost(2)
)
const fromOption = Options.text("from").pipe(
  Options.withPseudoName("FROM"),
  Options.withDescription("Lower bound of a definite integral (with --to)."),
  Options.optional
)
const toOption = Options.text("to").pipe(
  Options.withPseudoName("TO"),
  Options.withDescription("Upper bound of a definite integral (with --from)."),
  Options.optional
)

export const integrateText = (
  text: string,
  fields: { readonly variable?: string | undefined; readonly from?: string | undefined; readonly to?: string | undefined },
  option: Option.Option<string>,
  infix = false
) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const expr = yield* engine.parse(text)
    const v = yield* chooseVariable(fields.variable, option, freeSymbols(expr))
    if (fields.from === undefined && fields.to === undefined) return formatForm(yield* engine.antiderivative(expr, v), showWith(infix))
    if (fields.from === undefined || fields.to === undefined)
      return yield* new UsageError({ message: "a definite integral needs both bounds: FROM and TO" })
    const bound = (which: string, t: string) =>
      Effect.mapError(engine.parse(t), (e) => new EngineError({ reason: e.reason, message: `${which} bound: ${e.message}` }))
    const a = yield* bound("lower", fields.from)
    const b = yield* bound("upper", fields.to)
    return yield* formatDefinite(yield* engine.definiteIntegral(expr, v, a, b), showWith(infix))
  })

export const integrateCommand = Command.make(
  "integrate",
  { expr: exprArg, variable: varArg, bounds: boundsArg, var: varOption, from: fromOption, to: toOption, file: fileOption, infix: infixOption },
  (c) =>
    Effect.gen(function* () {
      yield* agreeing("variable", c.variable, c.var)
      if (c.bounds.length === 1)
        return yield* new UsageError({
          message: "give both bounds, after the variable: integrate EXPR VAR FROM TO"
        })
      if (c.bounds.length === 2 && (Option.isSome(c.from) || Option.isSome(c.to)))
        return yield* new UsageError({ message: "give the bounds either as FROM TO or as --from/--to, not both" })
      const rest = [c.variable, ...c.bounds]
      return yield* runExpressions({ expr: c.expr, rest, file: c.file }, (text, [variable, from, to]) =>
        integrateText(
          text,
          {
            variable,
            from: from ?? Option.getOrUndefined(c.from),
            to: to ?? Option.getOrUndefined(c.to)
          },
          c.var,
          c.infix
        )
      )
    })
).pipe(
  Command.withDescription(
    "Integrate an expression: the antiderivative, or with bounds FROM TO (or --from/--to) the exact definite value and its decimal."
  )
)
