/**
 * One line of the REPL: Polish text, optionally followed by bindings (`(+ x 3) x=2`),
 * answered by the brain and by the Engine, with the verdict of SPEC §6. Pure apart
 * from the model; the terminal loop lives in src/cli/repl.ts.
 */
import { Either } from "effect"
import type { Expr } from "../../domain/Expr.js"
import { freeSymbols } from "../../domain/Expr.js"
import { parse, print } from "../../domain/Polish.js"
import type { BrainModel } from "../../services/Brain.js"
import { EngineError } from "../../services/Engine.js"
import { run } from "../engine/run.js"
import { isCorrect, numberOfAnswer } from "../grading.js"

const BINDING = /^([A-Za-z_][A-Za-z0-9_]*)=(-?[0-9]+(?:\.[0-9]+)?(?:[eE]-?[0-9]+)?)$/

/** Splits `EXPR name=value …` at the last closing parenthesis (or the first space for an atom). */
const splitBindings = (line: string): { text: string; bindings: Array<readonly [string, number]> } | string => {
  const close = line.lastIndexOf(")")
  const cut = close >= 0 ? close + 1 : line.indexOf(" ") >= 0 ? line.indexOf(" ") : line.length
  const text = line.slice(0, cut).trim()
  const bindings: Array<readonly [string, number]> = []
  for (const word of line.slice(cut).split(/[\s,]+/).filter((w) => w.length > 0)) {
    const m = BINDING.exec(word)
    if (m === null) return `cannot read the binding "${word}" (write name=number, e.g. x=2)`
    bindings.push([m[1] as string, Number(m[2])])
  }
  return { text, bindings }
}

export interface ReplAnswer {
  readonly brain: string
  readonly engine: string
  readonly verdict: "correct" | "wrong" | "no answer"
}

/** The brain's answer, the Engine's answer and the verdict, or an error line for bad input. */
export const answerLine = (model: BrainModel, line: string): Either.Either<ReplAnswer, string> => {
  // The whole line as one expression; else an expression followed by bindings; else
  // the whole line's parse error, which names the position.
  const whole = parse(line.trim())
  let split: { text: string; bindings: Array<readonly [string, number]> } = { text: line.trim(), bindings: [] }
  let expr: Expr
  if (Either.isRight(whole)) expr = whole.right
  else {
    const candidate = splitBindings(line.trim())
    const parsed = typeof candidate === "string" ? undefined : parse(candidate.text)
    if (typeof candidate === "string" || parsed === undefined || Either.isLeft(parsed))
      return Either.left(typeof candidate === "string" && Either.isRight(parse(line.trim().split(/\s+/)[0] ?? "")) ? candidate : whole.left.message)
    split = candidate
    expr = parsed.right
  }
  const unbound = freeSymbols(expr).filter((s) => !split.bindings.some(([n]) => n === s))
  let expected: Expr
  try {
    expected = run(expr, unbound.length === 0 ? split.bindings : undefined)
  } catch (e) {
    if (e instanceof EngineError) return Either.left(`the Engine refuses it: ${e.message}`)
    throw e
  }
  const value = numberOfAnswer(expected)
  const [answer] = model.predict([{ expr, bindings: split.bindings }])
  const verdict =
    answer === undefined ? "no answer"
    : isCorrect(answer, value !== undefined ? { result: value, symbolic: null } : { result: null, symbolic: expected }) ? "correct"
    : "wrong"
  return Either.right({ brain: answer === undefined ? "—" : print(answer), engine: print(expected), verdict })
}

export const formatAnswer = (a: ReplAnswer): string => `brain:  ${a.brain}\nengine: ${a.engine}\n${a.verdict === "correct" ? "✓ correct" : a.verdict === "wrong" ? "✗ wrong" : "· no answer (counts as wrong)"}`
