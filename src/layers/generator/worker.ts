/**
 * Worker-thread entry of the generator's pool (@effect/platform WorkerRunner on
 * node:worker_threads). Deep imports only: a barrel import costs ~0.8 s per worker.
 */
import * as Transferable from "@effect/platform/Transferable"
import * as Runner from "@effect/platform/WorkerRunner"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { WorkerFailure, WorkerRequest, WorkerResponse } from "./protocol.js"
import { handle } from "./work.js"

const failure = (e: unknown): WorkerFailure => ({
  _tag: "WorkerFailure",
  message: e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack.split("\n").slice(1, 4).join("\n")}` : ""}` : String(e)
})

// A chunk's line bytes are transferred, not copied.
const encodeOutput = (_: WorkerRequest, out: WorkerResponse) =>
  "bytes" in out ? Effect.as(Transferable.addAll([out.bytes.buffer]), out) : Effect.succeed(out)

const WorkerLive = Runner.layer((request: WorkerRequest) => Effect.tryPromise({ try: () => handle(request), catch: failure }), {
  encodeOutput
}).pipe(Layer.provide(NodeWorkerRunner.layer))

Effect.runFork(Runner.launch(WorkerLive))
