/** `grapheme simplify EXPR` — the canonical form (Engine.simplify). Batch line: `EXPR`. */
import * as Command from "@effect/cli/Command"
import { Effect } from "effect"
import { Engine } from "../services/Engine.js"
import { runExpressions } from "./batch.js"
import { formatForm } from "./format.js"
import { exprArg, fileOption, infixOption, showWith } from "./options.js"

export const simplifyText = (text: string, infix = false) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    return formatForm(yield* engine.simplify(yield* engine.parse(text)), showWith(infix))
  })

export const simplifyCommand = Command.make(
  "simplify",
  { expr: exprArg, file: fileOption, infix: infixOption },
  ({ expr, file, infix }) => runExpressions({ expr, rest: [], file }, (text) => simplifyText(text, infix))
).pipe(Command.withDescription("Print the canonical (simplified) form of an expression."))
