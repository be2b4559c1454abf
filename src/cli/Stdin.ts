/**
 * Standard input as a service, so that batch mode can read piped lines and tests can
 * pipe text without a process. `isTTY` decides whether a command without EXPR reads
 * standard input (piped) or reports a usage error (interactive terminal).
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Context, Layer, Stream } from "effect"
import { isatty } from "node:tty"
import { InputError } from "./errors.js"

export interface StdinApi {
  /** True when standard input is an interactive terminal (nothing is piped in). */
  readonly isTTY: boolean
  readonly stream: Stream.Stream<Uint8Array, InputError>
}

export class Stdin extends Context.Tag("grapheme/cli/Stdin")<Stdin, StdinApi>() {
  /** The process's standard input; `process.stdin` is only touched when it is read. */
  static readonly layer: Layer.Layer<Stdin> = Layer.sync(Stdin, () =>
    Stdin.of({
      isTTY: isatty(0),
      stream: NodeStream.fromReadable(
        () => process.stdin,
        (cause) => new InputError({ message: `cannot read standard input: ${String(cause)}`, cause })
      )
    })
  )

  /** Piped text (for tests and for library callers). */
  static readonly fromText = (text: string): Layer.Layer<Stdin> =>
    Layer.succeed(Stdin, Stdin.of({ isTTY: false, stream: Stream.make(new TextEncoder().encode(text)) }))

  /** An interactive terminal with nothing piped in. */
  static readonly terminal: Layer.Layer<Stdin> = Layer.succeed(Stdin, Stdin.of({ isTTY: true, stream: Stream.empty }))
}
