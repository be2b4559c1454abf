/**
 * One expression from the command line, or many from a file / standard input.
 *
 * Batch mode streams its input (never loads it whole) and writes one output line per
 * input line, in order, so that `paste input output` lines up:
 * - a line holds the same things as the command line, TAB-separated: `EXPR[\tFIELD…]`
 *   (the fields are command-specific: the variable, bounds, bindings …);
 * - a blank line or a `#` comment gives an empty output line;
 * - a line that fails gives `error: line N: <reason>` in its place (on stdout), the
 *   batch goes on, and the command fails at the end (`BatchFailed`, exit code 1).
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Cause, Chunk, Console, Effect, Exit, Option, Stream } from "effect"
import { BatchFailed, InputError, UsageError } from "./errors.js"
import { Verbose } from "./options.js"
import { describeCause } from "./report.js"
import { Stdin } from "./Stdin.js"

/** What a command computes for one expression: its output line. */
export type Compute<E, R> = (expr: string, fields: ReadonlyArray<string | undefined>) => Effect.Effect<string, E, R>

/** A positional token that is really a misspelt option, e.g. `--fiel` (not an infix `-x^2 + 1`). */
const looksLikeOption = (s: string): boolean => /^--?[A-Za-z][A-Za-z0-9-]*(=.*)?$/.test(s)

export interface ExpressionsInput {
  /** The EXPR argument. */
  readonly expr: Option.Option<string>
  /** Positional arguments after EXPR (single mode). */
  readonly rest: ReadonlyArray<Option.Option<string> | string>
  /** The --file option. */
  readonly file: Option.Option<string>
}

/** Runs `compute` once (EXPR given) or per line (--file F, --file -, or piped standard input). */
export const runExpressions = <E, R>(
  input: ExpressionsInput,
  compute: Compute<E, R>
): Effect.Effect<void, E | UsageError | InputError | BatchFailed, R | Stdin | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const rest = input.rest.map((r) => (typeof r === "string" ? r : Option.getOrUndefined(r)))
    for (const token of [Option.getOrUndefined(input.expr), ...rest])
      if (token !== undefined && looksLikeOption(token))
        return yield* new UsageError({ message: `unknown option "${token}"` })

    if (Option.isSome(input.expr)) {
      if (Option.isSome(input.file))
        return yield* new UsageError({
          message: "give either an expression or --file, not both (in batch mode pass the variable and bounds as --var, --from, --to)"
        })
      yield* Console.log(yield* compute(input.expr.value, rest))
      return
    }
    const stdin = yield* Stdin
    if (Option.isSome(input.file)) {
      const path = input.file.value
      if (path === "-") return yield* runBatch(stdin.stream, compute, false)
      const fs = yield* FileSystem.FileSystem
      const bytes = fs.stream(path).pipe(
        Stream.mapError((e) =>
          new InputError({
            message: e._tag === "SystemError" && e.reason === "NotFound"
              ? `cannot read "${path}": no such file`
              : `cannot read "${path}": ${e.message}`,
            cause: e
          })
        )
      )
      return yield* runBatch(bytes, compute, false)
    }
    if (stdin.isTTY)
      return yield* new UsageError({
        message: "missing EXPR: give an expression, --file FILE, or pipe expressions on standard input"
      })
    return yield* runBatch(stdin.stream, compute, true)
  })

/** The batch loop: one output line per input line, failures counted and reported in-line. */
export const runBatch = <E, R>(
  bytes: Stream.Stream<Uint8Array, InputError>,
  compute: Compute<E, R>,
  implicitStdin: boolean
): Effect.Effect<void, UsageError | InputError | BatchFailed, R> =>
  Effect.gen(function* () {
    const verbose = yield* Verbose
    let lineNo = 0
    let total = 0
    let failed = 0
    const oneLine = (line: string): Effect.Effect<string, never, R> => {
      lineNo++
      const text = line.trim()
      if (text === "" || text.startsWith("#")) return Effect.succeed("")
      total++
      const n = lineNo
      const fields = line.split("\t").map((f) => {
        const t = f.trim()
        return t === "" ? undefined : t
      })
      return Effect.matchCauseEffect(compute(fields[0] ?? text, fields.slice(1)), {
        onSuccess: Effect.succeed,
        onFailure: (cause) => {
          if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause) as Effect.Effect<never>
          failed++
          const shown = `error: line ${n}: ${describeCause(cause)}`
          return verbose
            ? Effect.as(Console.error(`line ${n}:\n${Cause.pretty(cause)}`), shown)
            : Effect.succeed(shown)
        }
      })
    }
    yield* bytes.pipe(
      Stream.decodeText(),
      Stream.splitLines,
      Stream.runForEachChunk((chunk) =>
        Effect.flatMap(Effect.forEach(Chunk.toReadonlyArray(chunk), oneLine), (out) =>
          out.length === 0 ? Effect.void : Console.log(out.join("\n"))
        )
      )
    )
    if (implicitStdin && lineNo === 0)
      return yield* new UsageError({
        message: "missing EXPR: nothing was given and standard input is empty"
      })
    if (failed > 0) return yield* new BatchFailed({ failed, total })
  })
