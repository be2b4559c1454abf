/**
 * Errors raised by the command line itself (the Engine and the other services bring
 * their own). Every one carries a `message` that reads well after "grapheme: ", which is
 * how `Cli.run` reports it (see `report.ts`).
 */
import { Data } from "effect"

/** The user called a command the wrong way (exit code 2, like a ValidationError). */
export class UsageError extends Data.TaggedError("UsageError")<{
  readonly message: string
}> {}

/** An input (a file, standard input) could not be read (exit code 1). */
export class InputError extends Data.TaggedError("InputError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** Some lines of a batch failed; each was already reported in-line (exit code 1). */
export class BatchFailed extends Data.TaggedError("BatchFailed")<{
  readonly failed: number
  readonly total: number
}> {
  override get message(): string {
    return `${this.failed} of ${this.total} line${this.total === 1 ? "" : "s"} failed (see the "error: line N" lines)`
  }
}
