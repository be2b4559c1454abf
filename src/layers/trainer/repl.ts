/**
 * One line of the REPL: an expression, Polish or infix, optionally followed by bindings
 * (`(+ x 3) x=2`, `x + 3 x=2`), answered by the brain and by the Engine, with the
 * verdict `validate` would give (../grading.ts). Answers are shown in the notation typed. Pure apart
 * from the model; the terminal loop lives in src/cli/repl.ts.
 */
import { Either } from "effect"
import type { Expr } from "../../domain/Expr.js"
import { freeSymbols } from "../../domain/Expr.js"
import { type Notation, parseExpression, printIn } from "../../domain/Notation.js"
import type { BrainModel } from "../../services/Brain.js"
import { EngineError } from "../../services/Engine.js"
import { run } from "../engine/run.js"
import { expectedOfEngine, isCorrect } from "../grading.js"

const BINDING = /^([A-Za-z_][A-Za-z0-9_]*)=(-?[0-9]+(?:\.[0-9]+)?(?:[eE]-?[0-9]+)?)$/
const LOOKS_LIKE_BINDING = /^[A-Za-z_][A-Za-z0-9_]*=/

interface Split {
  readonly text: string
  readonly bindings: Array<readonly [string, number]>
}

/** `word` as bindings (`x=2` or `x=2,y=3`), or undefined when it is not one. */
const bindingsOf = (word: string): Array<readonly [string, number]> | undefined => {
  const out: Array<readonly [string, number]> = []
  for (const item of word.split(",").filter((w) => w.length > 0)) {
    const m = BINDING.exec(item)
    if (m === null) return undefined
    out.push([m[1] as string, Number(m[2])])
  }
  return out.length > 0 ? out : undefined
}

/** Splits `EXPR name=value …`: the trailing words that are bindings, and the expression before them. */
const splitBindings = (line: string): Split | undefined => {
  const words = line.split(/\s+/).filter((w) => w.length > 0)
  const bindings: Array<readonly [string, number]> = []
  let cut = words.length
  while (cut > 1) {
    const b = bindingsOf(words[cut - 1] as string)
    if (b === undefined) break
    bindings.unshift(...b)
    cut--
  }
  return cut === words.length ? undefined : { text: words.slice(0, cut).join(" "), bindings }
}

export interface ReplAnswer {
  readonly brain: string
  readonly engine: string
  readonly verdict: "correct" | "wrong" | "no answer"
  /** Why the brain gave no answer, when it says (its own check failed, a head it never learned). */
  readonly reason?: string
}

/** The brain's answer, the Engine's answer and the verdict, or an error line for bad input. */
export const answerLine = (model: BrainModel, line: string): Either.Either<ReplAnswer, string> => {
  // The whole line as one expression (Polish or infix); else an expression followed by
  // bindings; else the whole line's parse error, which names the position.
  const trimmed = line.trim()
  const notation: Notation = /^\s*\(/.test(trimmed) ? "polish" : "infix"
  const whole = parseExpression(trimmed)
  let split: Split = { text: trimmed, bindings: [] }
  let expr: Expr
  if (Either.isRight(whole)) expr = whole.right
  else {
    const candidate = splitBindings(trimmed)
    if (candidate === undefined) {
      const last = trimmed.split(/\s+/).pop() ?? ""
      const before = trimmed.slice(0, trimmed.length - last.length).trim()
      if (LOOKS_LIKE_BINDING.test(last) && before.length > 0 && Either.isRight(parseExpression(before)))
        return Either.left(`cannot read the binding "${last}" (write name=number, e.g. x=2)`)
      return Either.left(whole.left.message)
    }
    const parsed = parseExpression(candidate.text)
    if (Either.isLeft(parsed)) return Either.left(parsed.left.message)
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
  const inputs = [{ expr, bindings: split.bindings }]
  const [prediction] = model.predictWithReasons?.(inputs) ?? model.predict(inputs).map((a) => ({ answer: a, reason: undefined }))
  const answer = prediction?.answer
  const verdict =
    answer === undefined ? "no answer"
    : isCorrect(answer, expectedOfEngine(expected), expr) ? "correct"
    : "wrong"
  const show = printIn(notation)
  const reason = answer === undefined ? prediction?.reason : undefined
  return Either.right({ brain: answer === undefined ? "—" : show(answer), engine: show(expected), verdict, ...(reason === undefined ? {} : { reason }) })
}

export const formatAnswer = (a: ReplAnswer): string =>
  `brain:  ${a.brain}\nengine: ${a.engine}\n${
    a.verdict === "correct" ? "✓ correct"
    : a.verdict === "wrong" ? "✗ wrong"
    : `· no answer (${a.reason ?? "the brain has none"}; counts as wrong)`
  }`
