/**
 * The `grapheme` executable (bin/grapheme.js imports this through tsx): provides the
 * platform and the services, runs the CLI, exits with its code. Errors were already
 * reported as one line by `run`, hence `disableErrorReporting`.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Exit, Layer } from "effect"
import { EngineLive } from "../layers/EngineLive.js"
import { run } from "./Cli.js"
import { Stdin } from "./Stdin.js"

// `grapheme eval -f big.txt | head`: the reader went away; stop quietly, no stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0)
    throw err
  })

const MainLive = Layer.mergeAll(NodeContext.layer, EngineLive, Stdin.layer)

run(process.argv.slice(2), { color: process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined }).pipe(
  Effect.provide(MainLive),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) =>
      onExit(
        Exit.isSuccess(exit)
          ? typeof exit.value === "number" ? exit.value : 0
          : Cause.isInterruptedOnly(exit.cause) ? 130 : 1
      )
  })
)
