/**
 * `grapheme solve EQUATION [VAR]` — the real solutions (Engine.solve) of `(= lhs rhs)`
 * (or of `expr = 0`): every root on one line, comma-separated; `no solution`;
 * `all real numbers`. Batch line: `EQUATION[\tVAR]`; --var sets the variable for every line.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import { Effect, type Option } from "effect"
import { freeSymbols } from "../domain/Expr.js"
import { Engine } from "../services/Engine.js"
import { runExpressions } from "./batch.js"
import { formatSolutions } from "./format.js"
import { agreeing, chooseVariable, fileOption, infixOption, showWith, varArg, varOption } from "./options.js"

export const solveText = (text: string, variable: string | undefined, option: Option.Option<string>, infix = false) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const equation = yield* engine.parse(text)
    const v = yield* chooseVariable(variable, option, freeSymbols(equation))
    return yield* formatSolutions(yield* engine.solve(equation, v), showWith(infix))
  })

const equationArg = Args.text({ name: "equation" }).pipe(
  Args.withDescription("An equation, (= lhs rhs) or lhs = rhs, or an expression meaning expr = 0. Leave it out to read one per line from --file or piped standard input."),
  Args.optional
)

export const solveCommand = Command.make(
  "solve",
  { equation: equationArg, variable: varArg, var: varOption, file: fileOption, infix: infixOption },
  (c) =>
    Effect.zipRight(
      agreeing("variable", c.variable, c.var),
      runExpressions({ expr: c.equation, rest: [c.variable], file: c.file }, (text, [v]) => solveText(text, v, c.var, c.infix))
    )
).pipe(Command.withDescription("Solve an equation for a variable over the reals; prints every root, comma-separated."))
