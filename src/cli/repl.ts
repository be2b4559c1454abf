/**
 * `grapheme repl --model FILE`: type an expression, Polish or infix (optionally `name=value` bindings after it),
 * see the brain's answer, the Engine's and the verdict. Bad input prints one error
 * line and the prompt comes back; ↑/↓ recall history; `:quit` (or Ctrl-D) leaves.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Either, Layer } from "effect"
import * as readline from "node:readline"
import { ArithmeticBrainLive } from "../layers/brain/ArithmeticBrainLive.js"
import { storageLayers } from "../layers/storage/index.js"
import { answerLine, formatAnswer } from "../layers/trainer/repl.js"
import { loadModel } from "../layers/trainer/validateModel.js"

export const replCommand = Command.make(
  "repl",
  { model: Options.text("model").pipe(Options.withDescription("The checkpoint whose brain answers (e.g. checkpoints/final.bin).")) },
  (args) =>
    Effect.gen(function* () {
      const model = yield* loadModel(args.model)
      yield* Console.log(`brain from ${args.model}; type an expression, e.g. (+ (* 2 3) 4), (+ x 3) x=2 or x^2 + 3 x=2; :quit to leave`)
      yield* Effect.async<void>((resume) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: "grapheme> ", historySize: 500 })
        rl.prompt()
        rl.on("line", (line) => {
          const text = line.trim()
          if (text === ":quit" || text === ":q") return rl.close()
          if (text.length > 0) {
            const r = answerLine(model, text)
            process.stdout.write(`${Either.isRight(r) ? formatAnswer(r.right) : `error: ${r.left}`}\n`)
          }
          rl.prompt()
        })
        rl.on("close", () => resume(Effect.void))
      })
    }).pipe(Effect.provide(Layer.merge(ArithmeticBrainLive, storageLayers.file)))
).pipe(Command.withDescription("Ask the trained brain: its answer, the Engine's answer and the verdict, line by line."))
