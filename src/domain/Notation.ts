/**
 * The two notations a user may type (docs/cli.md, "Infix notation"): Polish
 * `(+ (* 2 x) 1)` and infix `2*x + 1`. Input that does not start with `(` is infix;
 * input that does is Polish, unless it only parses as infix (`(x + 1)*2`). Numbers and
 * symbols read the same in both.
 */
import { Either } from "effect"
import type { ParseError } from "./errors.js"
import type { Expr } from "./Expr.js"
import { isFunctionName, isOperator } from "./Expr.js"
import { parseInfix, printInfix } from "./Infix.js"
import { parse as parsePolish, print as printPolish } from "./Polish.js"

export type Notation = "polish" | "infix"

/** Is the text after "(" a Polish head (`(+ …`, `(sin …`)? Then a failure is reported as Polish. */
const looksPolish = (text: string): boolean => {
  const m = /^\s*\(\s*([^\s()]+)/.exec(text)
  return m !== null && (isOperator(m[1] as string) || isFunctionName(m[1] as string))
}

/** Polish or infix, as above; the error is the one of the notation the text is written in. */
export const parseExpression = (text: string): Either.Either<Expr, ParseError> => {
  if (!/^\s*\(/.test(text)) return parseInfix(text)
  const polish = parsePolish(text)
  if (Either.isRight(polish)) return polish
  const infix = parseInfix(text)
  return Either.isRight(infix) || !looksPolish(text) ? infix : polish
}

export const printIn = (notation: Notation) => (e: Expr): string =>
  notation === "infix" ? printInfix(e) : printPolish(e)
