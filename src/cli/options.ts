/**
 * Options and arguments shared by the commands, and the helpers that turn their text
 * into Engine inputs (a variable name, bindings, bounds).
 */
import * as Args from "@effect/cli/Args"
import * as Options from "@effect/cli/Options"
import { Context, Effect, Option } from "effect"
import type { Expr } from "../domain/Expr.js"
import { isFunctionName, isNumber } from "../domain/Expr.js"
import { printIn } from "../domain/Notation.js"
import type { EngineError } from "../services/Engine.js"
import { Engine } from "../services/Engine.js"
import { UsageError } from "./errors.js"

/**
 * `--verbose` is global: `Cli.run` removes it from anywhere on the command line (before a
 * `--`) and provides this reference, so every command can read it with `yield* Verbose`
 * without declaring the option itself. When set, a failure also prints its full cause.
 */
export class Verbose extends Context.Reference<Verbose>()("grapheme/cli/Verbose", {
  defaultValue: () => false
}) {}

/** Declared on the root command so that `--help` lists it; see `Verbose`. */
export const verboseOption = Options.boolean("verbose").pipe(
  Options.withDescription("Show the full cause of a failure (stack traces included). Accepted anywhere on the line.")
)

export const exprArg = Args.text({ name: "expr" }).pipe(
  Args.withDescription("An expression, in Polish (\"(+ (* 2 x) 4)\") or infix (\"2*x + 4\", \"x**2\"; see docs/cli.md). Leave it out to read one per line from --file or piped standard input."),
  Args.optional
)

export const varArg = Args.text({ name: "var" }).pipe(
  Args.withDescription("The variable (default: --var, else the expression's only free symbol, else x)."),
  Args.optional
)

export const fileOption = Options.text("file").pipe(
  Options.withAlias("f"),
  Options.withPseudoName("FILE"),
  Options.withDescription("Batch mode: read expressions from this file, one per line (\"-\" = standard input); print one result per line."),
  Options.optional
)

export const varOption = Options.text("var").pipe(
  Options.withPseudoName("VAR"),
  Options.withDescription("The variable, for every line in batch mode (default: the expression's only free symbol, else x)."),
  Options.optional
)

/** `--infix`: forms in the answer are printed in infix (`3*x^2`) rather than Polish (`(* 3 (^ x 2))`). */
export const infixOption = Options.boolean("infix").pipe(
  Options.withDescription("Print expressions in the answer in infix (3*x^2) instead of Polish ((* 3 (^ x 2))).")
)

/** How a command prints forms, from `--infix`. */
export const showWith = (infix: boolean): ((e: Expr) => string) => printIn(infix ? "infix" : "polish")

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A variable name, checked: a symbol that is neither a function name nor a constant. */
export const checkVariable = (name: string): Effect.Effect<string, UsageError> =>
  SYMBOL.test(name) && !isFunctionName(name) && name !== "pi" && name !== "e"
    ? Effect.succeed(name)
    : Effect.fail(new UsageError({ message: `"${name}" is not a variable name (expected a symbol such as x)` }))

/**
 * The variable for an expression: the one given on its line or as the positional VAR,
 * else --var, else the expression's only free symbol, else x.
 */
export const chooseVariable = (
  given: string | undefined,
  option: Option.Option<string>,
  free: ReadonlyArray<string>
): Effect.Effect<string, UsageError> => {
  const name = given ?? Option.getOrUndefined(option)
  if (name !== undefined) return checkVariable(name)
  return Effect.succeed(free.length === 1 ? (free[0] as string) : "x")
}

/** A positional VAR and --var both given must agree. */
export const agreeing = (
  what: string,
  positional: Option.Option<string>,
  option: Option.Option<string>
): Effect.Effect<void, UsageError> =>
  Option.isSome(positional) && Option.isSome(option) && positional.value !== option.value
    ? Effect.fail(new UsageError({ message: `two different ${what}s given: "${positional.value}" and "${option.value}"` }))
    : Effect.void

/**
 * `--bind` values: `NAME=VALUE`, several per flag separated by commas, the flag repeated
 * at will (`-b x=2 -b y=1/3` ≡ `-b x=2,y=1/3`). VALUE is an expression (Polish or infix); a closed
 * one such as `(/ pi 2)` is evaluated first. A later binding of a name wins.
 */
export const parseBindings = (
  texts: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<readonly [string, Expr]>, UsageError, Engine> =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const out = new Map<string, Expr>()
    for (const text of texts) {
      for (const item of text.split(",")) {
        const piece = item.trim()
        if (piece === "") continue
        const eq = piece.indexOf("=")
        const name = eq < 0 ? "" : piece.slice(0, eq).trim()
        const valueText = eq < 0 ? "" : piece.slice(eq + 1).trim()
        if (eq < 0 || !SYMBOL.test(name) || valueText === "")
          return yield* new UsageError({ message: `bad binding "${piece}": expected NAME=VALUE, e.g. x=2` })
        const bad = (e: EngineError) => new UsageError({ message: `bad binding "${piece}": ${e.message}` })
        const parsed = yield* Effect.mapError(engine.parse(valueText), bad)
        const value = isNumber(parsed) ? parsed : yield* Effect.mapError(engine.evaluate(parsed), bad)
        out.set(name, value)
      }
    }
    return [...out]
  })
