/**
 * Infix notation, as SymPy and mathjs users write it: `2*x^2 + 3*x - 1`, `sin(2*x)`,
 * `x**2`, `solve(2*x + 5 = 13, x)`. A parser whose errors name the position and what
 * was expected (like the Polish parser), and a printer; both give the same trees as
 * Polish (docs/cli.md, "Infix notation").
 *
 * Precedence, lowest first (Python's and mathjs's): `=` (one per expression); `+ -`;
 * `* / %`; unary `-` and `+`; `^` (or `**`, right-associative: `2^3^2` is `2^(3^2)`,
 * and its exponent may be signed: `2^-1`); then numbers, symbols (`pi` and `e` are
 * constants), calls `f(a, b)` and parentheses. So `-x^2` is `-(x^2)` and `-2*x` is
 * `(-2)*x`. No implicit multiplication: `2x` is an error.
 *
 * The trees: a run of one operator becomes one n-ary node (`a + b + c` is `(+ a b c)`,
 * `2^3^2` is `(^ 2 3 2)`), parentheses stop a run (`(a + b) + c` is `(+ (+ a b) c)`);
 * a minus sign directly on a number is that number's sign (`-3` is the Integer −3, as
 * in Polish) while `-(3)` is a negation; and a division of two integer literals is a
 * rational literal (`1/3`, `-5/2`), while `1/(3)` is a division. The printer writes
 * the parentheses that give back exactly the tree it printed.
 */
import { Either } from "effect"
import { ParseError } from "./errors.js"
import type { Expr, FunctionName, Operator } from "./Expr.js"
import { functions, isFunctionName, rational, sharedInteger, sharedSymbol } from "./Expr.js"
import { arity, arityText, formatFloat } from "./Polish.js"

type Token =
  | { readonly kind: "number"; readonly pos: number; readonly text: string }
  | { readonly kind: "name"; readonly pos: number; readonly text: string }
  | { readonly kind: "punct"; readonly pos: number; readonly text: string }
  | { readonly kind: "end"; readonly pos: number }

const NUMBER = /[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?/y
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y
const PUNCT = /\*\*|[-+*/^%(),=]/y

/** Thrown inside the parser, turned into a ParseError at its edge. */
class Failure {
  constructor(readonly position: number, readonly expected: string, readonly found: string) {}
}

const tokenize = (input: string): Array<Token> => {
  const out: Array<Token> = []
  let pos = 0
  for (;;) {
    while (pos < input.length && /\s/.test(input.charAt(pos))) pos++
    if (pos >= input.length) {
      out.push({ kind: "end", pos })
      return out
    }
    let matched = false
    for (const [kind, re] of [["number", NUMBER], ["name", NAME], ["punct", PUNCT]] as const) {
      re.lastIndex = pos
      const m = re.exec(input)
      if (m !== null) {
        out.push({ kind, pos, text: m[0] === "**" ? "^" : m[0] })
        pos += m[0].length
        matched = true
        break
      }
    }
    if (!matched) throw new Failure(pos, "a number, a symbol, an operator or a parenthesis", `"${input.charAt(pos)}"`)
  }
}

const describe = (t: Token): string => (t.kind === "end" ? "end of input" : `"${t.text}"`)

/**
 * What a parsed piece is, for the rules that depend on how it was written: a number
 * token (`literal`), a minus sign on one (`signed`), a run of one operator that may
 * still grow (`run`), anything else, parenthesised pieces included (`other`).
 */
type Kind = "literal" | "signed" | "run" | "other"
interface Piece {
  readonly expr: Expr
  readonly kind: Kind
}

const isIntegerLiteral = (p: Piece): boolean => (p.kind === "literal" || p.kind === "signed") && p.expr._tag === "Integer"

const callable = functions.filter((f) => f !== "=")

class Parser {
  private i = 0
  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  private peek(): Token {
    return this.tokens[this.i] as Token
  }
  private isPunct(text: string): boolean {
    const t = this.peek()
    return t.kind === "punct" && t.text === text
  }
  private expect(text: string, expected = `"${text}"`): Token {
    const t = this.peek()
    if (t.kind !== "punct" || t.text !== text) throw new Failure(t.pos, expected, describe(t))
    this.i++
    return t
  }

  whole(): Expr {
    const e = this.equation()
    const t = this.peek()
    if (t.kind !== "end") throw new Failure(t.pos, "an operator or end of input", describe(t))
    return e
  }

  /** additive ('=' additive)? */
  private equation(): Expr {
    const lhs = this.chain(["+", "-"], () => this.chain(["*", "/", "%"], () => this.unary()))
    if (!this.isPunct("=")) return lhs.expr
    this.i++
    const rhs = this.chain(["+", "-"], () => this.chain(["*", "/", "%"], () => this.unary()))
    return { _tag: "Fn", fn: "=", args: [lhs.expr, rhs.expr] }
  }

  /** operand (op operand)*, left to right; a run of one operator (not %) is one n-ary node. */
  private chain(ops: ReadonlyArray<string>, operand: () => Piece): Piece {
    const acc = operand()
    let args: Array<Expr> | undefined
    let runOp: Operator | undefined
    let integers = false // the run is two integer literals (so far)
    const close = (): Piece => {
      if (runOp === undefined || args === undefined) return acc
      const [n, d] = args as [Expr, Expr]
      if (runOp === "/" && args.length === 2 && integers && n._tag === "Integer" && d._tag === "Integer" && d.value !== 0n)
        return { expr: rational(n.value, d.value), kind: "other" }
      return { expr: { _tag: "Op", op: runOp, args }, kind: "other" }
    }
    for (;;) {
      const t = this.peek()
      if (t.kind !== "punct" || !ops.includes(t.text)) break
      this.i++
      const rhs = operand()
      const o = t.text as Operator
      if (runOp === o && o !== "%" && args !== undefined) {
        args.push(rhs.expr)
        integers = false
      } else {
        const left = close() // the run so far (or the first operand) becomes the left operand
        integers = isIntegerLiteral(left) && isIntegerLiteral(rhs)
        args = [left.expr, rhs.expr]
        runOp = o
      }
    }
    return runOp === undefined ? acc : close()
  }

  /** ('-' | '+') unary | power */
  private unary(): Piece {
    const t = this.peek()
    if (t.kind === "punct" && (t.text === "-" || t.text === "+")) {
      this.i++
      const operand = this.unary()
      if (t.text === "+") return operand
      if (operand.kind === "literal") {
        const e = operand.expr
        if (e._tag === "Integer") return { expr: sharedInteger(-e.value), kind: "signed" }
        if (e._tag === "Float") return { expr: { _tag: "Float", value: -e.value }, kind: "signed" }
      }
      return { expr: { _tag: "Op", op: "-", args: [operand.expr] }, kind: "other" }
    }
    return this.power()
  }

  /** primary ('^' unary)?, right-associative: a run of ^ is one n-ary node. */
  private power(): Piece {
    const base = this.primary()
    if (!this.isPunct("^")) return base
    this.i++
    const exponent = this.unary()
    const e = exponent.expr
    const args = exponent.kind === "run" && e._tag === "Op" && e.op === "^" ? [base.expr, ...e.args] : [base.expr, e]
    return { expr: { _tag: "Op", op: "^", args }, kind: "run" }
  }

  private primary(): Piece {
    const t = this.peek()
    if (t.kind === "number") {
      this.i++
      if (/^[0-9]+$/.test(t.text)) return { expr: sharedInteger(BigInt(t.text)), kind: "literal" }
      const value = Number(t.text)
      if (!Number.isFinite(value)) throw new Failure(t.pos, "a finite number", describe(t))
      return { expr: { _tag: "Float", value }, kind: "literal" }
    }
    if (t.kind === "name") {
      this.i++
      if (isFunctionName(t.text)) return { expr: this.call(t.text, t.pos), kind: "other" }
      if (this.isPunct("("))
        throw new Failure(t.pos, `a function of the language (${callable.join(", ")})`, `"${t.text}"`)
      return { expr: sharedSymbol(t.text), kind: "other" }
    }
    if (t.kind === "punct" && t.text === "(") {
      this.i++
      const e = this.equation()
      this.expect(")")
      return { expr: e, kind: "other" }
    }
    throw new Failure(t.pos, "a number, a symbol, a function or \"(\"", describe(t))
  }

  private call(name: FunctionName, pos: number): Expr {
    this.expect("(", `"(" after the function name "${name}"`)
    const args: Array<Expr> = []
    if (!this.isPunct(")")) {
      args.push(this.equation())
      while (this.isPunct(",")) {
        this.i++
        args.push(this.equation())
      }
    }
    const close = this.expect(")", args.length === 0 ? "an argument or \")\"" : "\",\" or \")\"")
    const [lo, hi] = arity(name)
    if (args.length < lo || args.length > hi || (name === "integrate" && args.length === 3))
      throw new Failure(close.pos, arityText(name, [lo, hi]), `${args.length}`)
    if ((name === "derive" || name === "integrate" || name === "solve") && (args[1] as Expr)._tag !== "Symbol")
      throw new Failure(pos, `a variable as the second argument of "${name}"`, "another expression")
    return { _tag: "Fn", fn: name, args }
  }
}

/** Parses one infix expression; the whole input must be consumed. */
export const parseInfix = (input: string): Either.Either<Expr, ParseError> => {
  try {
    return Either.right(new Parser(tokenize(input)).whole())
  } catch (e) {
    if (e instanceof Failure) return Either.left(new ParseError({ input, position: e.position, expected: e.expected, found: e.found }))
    if (e instanceof RangeError)
      return Either.left(new ParseError({ input, position: 0, expected: "an expression nested less deeply", found: "too many levels" }))
    throw e
  }
}

// ---- printing ----------------------------------------------------------------------

const EQ = 0
const ADD = 1
const MUL = 2
const NEG = 3
const POW = 4
const ATOM = 5

const isNegativeNumber = (e: Expr): boolean =>
  (e._tag === "Integer" && e.value < 0n) || (e._tag === "Float" && (e.value < 0 || Object.is(e.value, -0))) ||
  (e._tag === "Rational" && e.num < 0n)

const precedence = (e: Expr): number => {
  switch (e._tag) {
    case "Integer":
    case "Float":
      return isNegativeNumber(e) ? NEG : ATOM
    case "Rational":
      return MUL
    case "Symbol":
      return ATOM
    case "Fn":
      return e.fn === "=" ? EQ : ATOM
    case "Op":
      if (e.args.length === 1) return NEG
      return e.op === "+" || e.op === "-" ? ADD : e.op === "^" ? POW : MUL
  }
}

const isNegation = (e: Expr): boolean => e._tag === "Op" && e.op === "-" && e.args.length === 1
const sameRun = (parent: Operator, e: Expr): boolean => e._tag === "Op" && e.op === parent && e.args.length >= 2
const paren = (s: string, wrap: boolean): string => (wrap ? `(${s})` : s)

const SPACED: ReadonlySet<string> = new Set(["+", "-", "%"])

/** Infix text (SymPy's layout with `^`): `2*x^2 + 3*x - 1`; `parseInfix` gives back the same tree. */
export const printInfix = (e: Expr): string => {
  switch (e._tag) {
    case "Integer":
      return e.value.toString()
    case "Float":
      return formatFloat(e.value)
    case "Rational":
      return `${e.num}/${e.den}`
    case "Symbol":
      return e.name
    case "Fn":
      if (e.fn === "=") return e.args.map((a) => paren(printInfix(a), precedence(a) <= EQ)).join(" = ")
      return `${e.fn}(${e.args.map(printInfix).join(", ")})`
    case "Op": {
      if (e.args.length === 1) {
        const a = e.args[0] as Expr
        // A number right after the sign would read as a signed literal.
        return `-${paren(printInfix(a), precedence(a) < POW || a._tag === "Integer" || a._tag === "Float")}`
      }
      if (e.op === "^")
        return e.args.map((a) => paren(printInfix(a), precedence(a) < ATOM)).join("^")
      const p = precedence(e)
      const twoIntegers = e.op === "/" && e.args.length === 2 && e.args.every((a) => a._tag === "Integer")
      const parts = e.args.map((a, i) => {
        const q = precedence(a)
        const wrap =
          q < p || sameRun(e.op, a) || (i > 0 && (q === p || isNegativeNumber(a) || isNegation(a))) ||
          (p === MUL && a._tag === "Rational") || (twoIntegers && i === 1)
        return paren(printInfix(a), wrap)
      })
      return parts.join(SPACED.has(e.op) ? ` ${e.op} ` : e.op)
    }
  }
}
