/**
 * The `grapheme` command line (SPEC §7): the root command, its subcommands, and `run`,
 * which turns every outcome into output lines and an exit code.
 *
 * To add a command: write `src/cli/<name>.ts` exporting a `Command.make("<name>", …)`
 * (one file per command), import it here and append it to `subcommands`. Its handler may
 * fail with any error that has a readable `message`: `run` prints `grapheme: <message>`
 * on stderr (exit 1; a `UsageError` exits 2) and the full cause under `--verbose`.
 * `--verbose` is global: `run` removes it from the command line before @effect/cli parses
 * it, so a command must not declare its own; read `yield* Verbose` instead (e.g. `train`
 * for chattier logs). Services a handler needs (Engine, Storage, …) are provided in
 * `bin.ts` (`MainLive`), or per command with `Command.provide`. Tests run commands with
 * `runCli([...args])` from test/cli/harness.ts (captured stdout/stderr + exit code).
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import { Cause, Console, Context, Effect, Exit } from "effect"
import { createRequire } from "node:module"
import { routed, stripAnsi } from "./console.js"
import { deriveCommand } from "./derive.js"
import { replCommand } from "./repl.js"
import { trainCommand } from "./train.js"
import { evalCommand } from "./eval.js"
import { gedCommand } from "./ged.js"
import { generateCommand } from "./generate.js"
import { importCommand } from "./import.js"
import { integrateCommand } from "./integrate.js"
import { Verbose, verboseOption } from "./options.js"
import { plotCommand } from "./plot.js"
import { describeCause, exitCodeOf, oneLine } from "./report.js"
import { simplifyCommand } from "./simplify.js"
import { solveCommand } from "./solve.js"
import { validateCommand } from "./validate-data.js"

export const version: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version

const root = Command.make("grapheme", { verbose: verboseOption }).pipe(
  Command.withDescription(
    "Train a neural brain to do mathematics from data an exact symbolic engine generates. " +
      "Exit codes: 0 ok, 1 failure, 2 bad usage."
  )
)

export const subcommands = [
  trainCommand,
  replCommand,
  generateCommand,
  validateCommand,
  importCommand,
  evalCommand,
  simplifyCommand,
  deriveCommand,
  integrateCommand,
  solveCommand,
  gedCommand,
  plotCommand
] as const

/** Marks (per run) that a handler has started: errors printed before that are @effect/cli's usage messages. */
class RunState extends Context.Tag("grapheme/cli/RunState")<RunState, { started: boolean }>() {}

export const command = root.pipe(
  Command.withSubcommands(subcommands),
  Command.transformHandler((effect) =>
    Effect.zipRight(
      Effect.serviceOption(RunState).pipe(
        Effect.tap((state) => Effect.sync(() => state._tag === "Some" && (state.value.started = true)))
      ),
      effect
    )
  )
)

/** The raw @effect/cli application: takes `process.argv`-style arguments (runtime, script, …). */
export const cli = Command.run(command, { name: "grapheme", version })

/** `--verbose` anywhere before a `--` terminator is global (see `Verbose`). */
const extractVerbose = (args: ReadonlyArray<string>): { verbose: boolean; rest: Array<string> } => {
  const rest: Array<string> = []
  let verbose = false
  let terminated = false
  for (const a of args) {
    if (!terminated && a === "--verbose") verbose = true
    else {
      if (a === "--") terminated = true
      rest.push(a)
    }
  }
  return { verbose, rest }
}

export interface RunOptions {
  /** Keep ANSI colours in help and messages (default: false — plain text). */
  readonly color?: boolean
}

/**
 * Runs the CLI on the user's arguments (`process.argv.slice(2)`) and returns the exit
 * code; never fails. Results go to `Console.log`; a failure becomes ONE line
 * `grapheme: …` on `Console.error` (plus its full cause with --verbose).
 */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}) =>
  Effect.gen(function* () {
    const { rest, verbose } = extractVerbose(args)
    const base = (yield* Console.consoleWith(Effect.succeed)).unsafe
    const state = { started: false }
    const plain = (s: string) => (options.color === true ? s : stripAnsi(s))
    // Before a handler starts, stderr output can only be @effect/cli's own (multi-line)
    // report of a ValidationError: hold it back and print one line from the error instead.
    const held: Array<string> = []
    const console = routed(
      base,
      (s) => base.log(plain(s)),
      (s) => (state.started ? base.error(plain(s)) : held.push(s))
    )
    const exit = yield* cli(["node", "grapheme", ...(rest.length === 0 ? ["--help"] : rest)]).pipe(
      Effect.provideService(Verbose, verbose),
      Effect.provideService(RunState, state),
      Effect.withConsole(console),
      Effect.exit
    )
    if (Exit.isSuccess(exit)) {
      for (const s of held) base.error(plain(s))
      return 0
    }
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) {
      const text = oneLine(HelpDoc.toAnsiText(failure.value.error)) || oneLine(held.join(" "))
      base.error(`grapheme: ${text || "invalid command line"} (see grapheme --help)`)
    } else {
      for (const s of held) base.error(plain(s))
      base.error(`grapheme: ${describeCause(exit.cause)}`)
      if (verbose && !Cause.isInterruptedOnly(exit.cause)) base.error(Cause.pretty(exit.cause, { renderErrorCause: true }))
    }
    return exitCodeOf(exit.cause)
  })
