/** Runs the CLI in-process with captured stdout/stderr, a fake or live Engine, and optional piped stdin. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer } from "effect"
import { formatArgs, fromUnsafe } from "../../src/cli/console.js"
import { run } from "../../src/cli/Cli.js"
import { Stdin } from "../../src/cli/Stdin.js"
import type { Engine } from "../../src/services/Engine.js"
import { FakeEngine } from "./FakeEngine.js"

export interface CliResult {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

export const runCli = (
  args: ReadonlyArray<string>,
  options: { readonly stdin?: string; readonly engine?: Layer.Layer<Engine> } = {}
): Effect.Effect<CliResult> => {
  const out: Array<string> = []
  const err: Array<string> = []
  const console = fromUnsafe({
    ...globalThis.console,
    log: (...a: Array<unknown>) => void out.push(formatArgs(a)),
    info: (...a: Array<unknown>) => void out.push(formatArgs(a)),
    error: (...a: Array<unknown>) => void err.push(formatArgs(a)),
    warn: (...a: Array<unknown>) => void err.push(formatArgs(a))
  })
  const lines = (xs: Array<string>) => (xs.length === 0 ? "" : xs.join("\n") + "\n")
  return run(args).pipe(
    Effect.map((code) => ({ stdout: lines(out), stderr: lines(err), code })),
    Effect.withConsole(console),
    Effect.provide(
      Layer.mergeAll(
        NodeContext.layer,
        options.engine ?? FakeEngine,
        options.stdin === undefined ? Stdin.terminal : Stdin.fromText(options.stdin)
      )
    )
  )
}
