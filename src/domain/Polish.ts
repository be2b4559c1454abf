/**
 * Polish notation (SPEC §2): an iterative parser whose errors name the position and
 * the expectation, and the canonical printer. Both use explicit stacks so that a
 * 10,000-deep expression neither overflows the call stack nor needs special care.
 *
 * One extension to the grammar of SPEC §2: a rational literal `n/d` (e.g. `1/3`,
 * `-5/2`), so that every Expr, Rationals included, prints and parses back exactly.
 */
import { Either } from "effect"
import { ParseError } from "./errors.js"
import type { Expr, FunctionName, Operator } from "./Expr.js"
import { isFunctionName, isOperator, isUnaryFunction, rational, sharedInteger, sharedSymbol } from "./Expr.js"

type Token =
  | { readonly kind: "open"; readonly pos: number }
  | { readonly kind: "close"; readonly pos: number }
  | { readonly kind: "atom"; readonly pos: number; readonly text: string }
  | { readonly kind: "end"; readonly pos: number }

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13
const isDelimiter = (c: number) => isSpace(c) || c === 40 || c === 41

class Lexer {
  pos = 0
  constructor(readonly input: string) {}
  next(): Token {
    const s = this.input
    while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++
    if (this.pos >= s.length) return { kind: "end", pos: this.pos }
    const start = this.pos
    const c = s.charCodeAt(this.pos)
    if (c === 40) {
      this.pos++
      return { kind: "open", pos: start }
    }
    if (c === 41) {
      this.pos++
      return { kind: "close", pos: start }
    }
    while (this.pos < s.length && !isDelimiter(s.charCodeAt(this.pos))) this.pos++
    return { kind: "atom", pos: start, text: s.slice(start, this.pos) }
  }
}

const describe = (t: Token): string =>
  t.kind === "open" ? `"("` : t.kind === "close" ? `")"` : t.kind === "end" ? "end of input" : `"${t.text}"`

const INTEGER = /^-?[0-9]+$/
const RATIONAL = /^(-?[0-9]+)\/([0-9]+)$/
const FLOAT = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/

type AtomResult = { readonly expr: Expr } | { readonly error: string }

const parseAtom = (text: string): AtomResult => {
  if (INTEGER.test(text)) return { expr: sharedInteger(BigInt(text)) }
  const r = RATIONAL.exec(text)
  if (r) {
    const den = BigInt(r[2] as string)
    if (den === 0n) return { error: "a rational with a nonzero denominator" }
    return { expr: rational(BigInt(r[1] as string), den) }
  }
  if (FLOAT.test(text)) {
    const value = Number(text)
    if (!Number.isFinite(value)) return { error: "a finite number" }
    return { expr: { _tag: "Float", value } }
  }
  if (SYMBOL.test(text)) {
    if (isFunctionName(text)) return { error: `an expression (the function name "${text}" may only stand after "(")` }
    return { expr: sharedSymbol(text) }
  }
  return { error: "a number, a symbol or \"(\"" }
}

/** How many arguments a head takes: [min, max] (shared with the infix parser). */
export const arity = (head: Operator | FunctionName): readonly [number, number] => {
  switch (head) {
    case "+":
    case "*":
    case "/":
    case "^":
      return [2, Infinity]
    case "-":
      return [1, Infinity]
    case "%":
    case "=":
    case "derive":
    case "solve":
      return [2, 2]
    case "integrate":
      return [2, 4]
    default:
      return isUnaryFunction(head) ? [1, 1] : [0, Infinity]
  }
}

export const arityText = (head: string, [lo, hi]: readonly [number, number]): string =>
  hi === Infinity ? `at least ${lo} argument${lo === 1 ? "" : "s"} for "${head}"`
  : lo === hi ? `exactly ${lo} argument${lo === 1 ? "" : "s"} for "${head}"`
  : `${lo} or ${hi} arguments for "${head}"`

interface Frame {
  readonly head: Operator | FunctionName
  readonly headPos: number
  readonly args: Array<Expr>
}

/** Parses one expression; the whole input must be consumed. */
export const parse = (input: string): Either.Either<Expr, ParseError> => {
  const lexer = new Lexer(input)
  const fail = (pos: number, expected: string, found: string) =>
    Either.left(new ParseError({ input, position: pos, expected, found }))
  const stack: Array<Frame> = []
  let result: Expr | undefined
  for (;;) {
    const t = lexer.next()
    let done: Expr | undefined
    if (t.kind === "open") {
      const h = lexer.next()
      if (h.kind !== "atom" || !(isOperator(h.text) || isFunctionName(h.text)))
        return fail(h.pos, "an operator or function name after \"(\"", describe(h))
      stack.push({ head: h.text as Operator | FunctionName, headPos: h.pos, args: [] })
      continue
    } else if (t.kind === "close") {
      const frame = stack.pop()
      if (frame === undefined) return fail(t.pos, "end of input", describe(t))
      const [lo, hi] = arity(frame.head)
      if (frame.args.length < lo || frame.args.length > hi || (frame.head === "integrate" && frame.args.length === 3))
        return fail(t.pos, arityText(frame.head, [lo, hi]), `${frame.args.length}`)
      if (frame.head === "derive" || frame.head === "integrate" || frame.head === "solve") {
        const v = frame.args[1] as Expr
        if (v._tag !== "Symbol") return fail(frame.headPos, `a variable as the second argument of "${frame.head}"`, "another expression")
      }
      done = isOperator(frame.head)
        ? { _tag: "Op", op: frame.head, args: frame.args }
        : { _tag: "Fn", fn: frame.head, args: frame.args }
    } else if (t.kind === "atom") {
      const a = parseAtom(t.text)
      if ("error" in a) return fail(t.pos, a.error, describe(t))
      done = a.expr
    } else {
      return stack.length === 0 ? fail(t.pos, "an expression", "end of input") : fail(t.pos, "\")\"", "end of input")
    }
    const top = stack[stack.length - 1]
    if (top === undefined) {
      result = done
      break
    }
    top.args.push(done)
  }
  const rest = lexer.next()
  if (rest.kind !== "end") return fail(rest.pos, "end of input", describe(rest))
  return Either.right(result)
}

/** Shortest decimal that reads back to the same double, always with a "." (so it stays a Float). */
export const formatFloat = (x: number): string => {
  if (Object.is(x, -0)) return "-0.0"
  let s = String(x).replace("e+", "e")
  const e = s.indexOf("e")
  const mantissa = e < 0 ? s : s.slice(0, e)
  if (!mantissa.includes(".")) s = e < 0 ? `${s}.0` : `${mantissa}.0${s.slice(e)}`
  return s
}

export const printAtom = (e: Expr): string => {
  switch (e._tag) {
    case "Integer":
      return e.value.toString()
    case "Rational":
      return `${e.num}/${e.den}`
    case "Float":
      return formatFloat(e.value)
    case "Symbol":
      return e.name
    case "Op":
      return e.op
    case "Fn":
      return e.fn
  }
}

/** Canonical text: single spaces, numbers in their shortest exact form. Iterative. */
export const print = (root: Expr): string => {
  const out: Array<string> = []
  const stack: Array<Expr | ")"> = [root]
  while (stack.length > 0) {
    const item = stack.pop() as Expr | ")"
    if (item === ")") {
      out.push(")")
      continue
    }
    if (out.length > 0 && out[out.length - 1] !== "(") out.push(" ")
    if (item._tag === "Op" || item._tag === "Fn") {
      out.push("(", printAtom(item))
      stack.push(")")
      for (let i = item.args.length - 1; i >= 0; i--) stack.push(item.args[i] as Expr)
    } else out.push(printAtom(item))
  }
  return out.join("")
}
