/**
 * `grapheme eval EXPR [--bind NAME=VALUE …]` — what an expression asks for (Engine.run):
 * its value when every symbol is bound, its simplified form otherwise; a whole calculus
 * form such as `(derive (^ x 2) x)`, `(integrate f x a b)` or `(solve (= …) x)` is carried
 * out. Batch line: `EXPR[\tNAME=VALUE,…]` (line bindings override --bind).
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import type { Expr } from "../domain/Expr.js"
import { freeSymbols, substitute } from "../domain/Expr.js"
import { Engine } from "../services/Engine.js"
import { runExpressions } from "./batch.js"
import { formatDefinite, formatSolutions, formatValue } from "./format.js"
import { exprArg, fileOption, infixOption, parseBindings, showWith } from "./options.js"

export const bindOption = Options.text("bind").pipe(
  Options.withAlias("b"),
  Options.withPseudoName("NAME=VALUE"),
  Options.withDescription("Bind a symbol: NAME=VALUE (VALUE is an expression, e.g. 2, -1/3, pi/2); repeat the flag or separate with commas: -b x=2,y=3."),
  Options.repeated
)

const symbolName = (e: Expr | undefined): string => (e !== undefined && e._tag === "Symbol" ? e.name : "x")

/** One expression's output line. */
export const evaluateText = (text: string, bindingTexts: ReadonlyArray<string>, show?: (e: Expr) => string) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const expr = yield* engine.parse(text)
    const bindings = yield* parseBindings(bindingTexts)
    if (bindings.length === 0 && expr._tag === "Fn") {
      // The top-level calculus heads print like their commands: every root, exact + decimal.
      if (expr.fn === "solve") return yield* formatSolutions(yield* engine.solve(expr.args[0] as Expr, symbolName(expr.args[1])), show)
      if (expr.fn === "integrate" && expr.args.length === 4) {
        const [f, v, a, b] = expr.args as [Expr, Expr, Expr, Expr]
        return yield* formatDefinite(yield* engine.definiteIntegral(f, symbolName(v), a, b), show)
      }
    }
    const result = yield* engine.run(expr, bindings)
    // Engine.run leaves the whole result symbolic when some symbol is unbound: apply the
    // bindings that were given to it (calculus already carried out), so that
    // `(+ x y)` with x=2 prints `(+ 2 y)` rather than ignoring x.
    const free = new Set(freeSymbols(result))
    const applicable = bindings.filter(([name]) => free.has(name))
    if (applicable.length === 0) return yield* formatValue(result, show)
    const partial = applicable.reduce((e, [name, value]) => substitute(e, name, value), result)
    return yield* formatValue(yield* engine.simplify(partial), show)
  })

export const evalCommand = Command.make(
  "eval",
  { expr: exprArg, bind: bindOption, file: fileOption, infix: infixOption },
  ({ bind, expr, file, infix }) =>
    runExpressions({ expr, rest: [], file }, (text, fields) =>
      evaluateText(text, [...bind, ...fields.filter((f): f is string => f !== undefined)], showWith(infix))
    )
).pipe(
  Command.withDescription(
    "Evaluate an expression exactly (with --bind for its symbols), or carry out a whole (derive …), (integrate …) or (solve …) form."
  )
)
