/**
 * `grapheme derive EXPR [VAR]` — the simplified derivative (Engine.derive).
 * Batch line: `EXPR[\tVAR]`; --var sets the variable for every line.
 */
import * as Command from "@effect/cli/Command"
import { Effect, type Option } from "effect"
import { freeSymbols } from "../domain/Expr.js"
import { Engine } from "../services/Engine.js"
import { runExpressions } from "./batch.js"
import { formatForm } from "./format.js"
import { agreeing, chooseVariable, exprArg, fileOption, infixOption, showWith, varArg, varOption } from "./options.js"

export const deriveText = (text: string, variable: string | undefined, option: Option.Option<string>, infix = false) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const expr = yield* engine.parse(text)
    const v = yield* chooseVariable(variable, option, freeSymbols(expr))
    return formatForm(yield* engine.derive(expr, v), showWith(infix))
  })

export const deriveCommand = Command.make(
  "derive",
  { expr: exprArg, variable: varArg, var: varOption, file: fileOption, infix: infixOption },
  (c) =>
    Effect.zipRight(
      agreeing("variable", c.variable, c.var),
      runExpressions({ expr: c.expr, rest: [c.variable], file: c.file }, (text, [v]) => deriveText(text, v, c.var, c.infix))
    )
).pipe(Command.withDescription("Differentiate an expression with respect to a variable (simplified)."))
