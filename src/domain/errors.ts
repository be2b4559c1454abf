import { Data } from "effect"

/** A Polish expression that does not parse: where, what was expected, what was found. */
export class ParseError extends Data.TaggedError("ParseError")<{
  readonly input: string
  readonly position: number
  readonly expected: string
  readonly found: string
}> {
  override get message(): string {
    return `parse error at position ${this.position}: expected ${this.expected}, found ${this.found}`
  }
}
