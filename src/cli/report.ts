/**
 * Turning a failure into what the user sees: ONE line on stderr (`grapheme: …`) and an
 * exit code. A user mistake never shows a stack trace; `--verbose` adds the full cause.
 *
 * Exit codes: 0 success · 1 the work failed (an Engine error, an unreadable file, a batch
 * with failed lines, an internal error) · 2 the command was called the wrong way
 * (unknown command or option, missing argument, bad --bind …) · 130 interrupted.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import { Cause, Option } from "effect"
import { stripAnsi } from "./console.js"

/** Collapses a possibly multi-line, coloured text into one plain line. */
export const oneLine = (text: string): string => stripAnsi(text).replace(/\s+/g, " ").trim()

const messageOf = (e: unknown): string | undefined => {
  if (typeof e === "object" && e !== null && "message" in e) {
    const m = (e as { message: unknown }).message
    if (typeof m === "string" && m.length > 0) return m
  }
  return undefined
}

/** One line describing a failure value (an error from `E`, not a defect). */
export const describeError = (e: unknown): string => {
  if (ValidationError.isValidationError(e)) {
    const text = oneLine(HelpDoc.toAnsiText(e.error))
    return text.length > 0 ? `${text} (see --help)` : `invalid command line (see --help)`
  }
  if (typeof e === "object" && e !== null && "_tag" in e && e._tag === "EngineError") {
    const reason = (e as { reason?: unknown }).reason
    return oneLine(messageOf(e) ?? `engine error (${String(reason)})`)
  }
  const m = messageOf(e)
  if (m !== undefined) return oneLine(m)
  if (typeof e === "object" && e !== null && "_tag" in e) return `${String(e._tag)}`
  return oneLine(String(e))
}

/** One line describing a whole cause: its first failure, else its first defect. */
export const describeCause = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return describeError(failure.value)
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect)) {
    const m = messageOf(defect.value) ?? String(defect.value)
    return `internal error: ${oneLine(m)} (rerun with --verbose for details)`
  }
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  return oneLine(Cause.pretty(cause))
}

const isUsage = (e: unknown): boolean =>
  ValidationError.isValidationError(e) ||
  (typeof e === "object" && e !== null && "_tag" in e && e._tag === "UsageError")

export const exitCodeOf = (cause: Cause.Cause<unknown>): number => {
  if (Cause.isInterruptedOnly(cause)) return 130
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure) && isUsage(failure.value)) return 2
  return 1
}
