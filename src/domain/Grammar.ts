/**
 * The grammar of the language as data for a learner: which heads exist, with how many
 * arguments each is read, and how an n-ary node nests into binary ones. Nothing here says
 * what a head computes; a learner that reads its heads from this list and learns their
 * meaning from data keeps every operator and function name out of its own code.
 */
import type { Expr, FnExpr, FunctionName, OpExpr, Operator } from "./Expr.js"
import { functions, isOperator, operators } from "./Expr.js"

export type HeadName = Operator | FunctionName

/** A head as a learner reads it: its name and the number of arguments (1 or 2) of its input row. */
export interface HeadSignature {
  readonly name: HeadName
  readonly arity: 1 | 2
}

/** The heads that take a problem (an expression and its variable) rather than numbers. */
const problemHeads: ReadonlyArray<FunctionName> = ["solve", "derive", "integrate"]
/** The heads compared rather than evaluated: an equation has two sides. */
const twoSided: ReadonlySet<HeadName> = new Set<HeadName>(["="])
/** The operator that also takes one argument (negation). */
const alsoUnary: ReadonlyArray<Operator> = ["-"]

/**
 * Every (head, arity) of the language, in a fixed order: binary operators, the unary
 * operator, functions, then the problem heads (last, so that a learner that added them
 * later draws their initial weights after everything else's).
 */
export const headSignatures: ReadonlyArray<HeadSignature> = [
  ...operators.map((name) => ({ name, arity: 2 as const })),
  ...alsoUnary.map((name) => ({ name, arity: 1 as const })),
  ...functions.filter((f) => !problemHeads.includes(f)).map((name) => ({ name, arity: twoSided.has(name) ? (2 as const) : (1 as const) })),
  ...problemHeads.map((name) => ({ name, arity: 2 as const }))
]

/** How many of headSignatures are problem heads (at the end). */
export const problemHeadCount = problemHeads.length

/** A head's key "name/arity": one printable string per signature. */
export const signatureKey = (s: HeadSignature): string => `${s.name}/${s.arity}`

/** The name of a node's head. */
export const headNameOf = (e: OpExpr | FnExpr): HeadName => (e._tag === "Op" ? e.op : e.fn)

/** A node of head `name` over `args`. */
export const nodeNamed = (name: HeadName, args: ReadonlyArray<Expr>): Expr =>
  isOperator(name) ? { _tag: "Op", op: name, args } : { _tag: "Fn", fn: name as FunctionName, args }

/** Whether an n-ary node of this head nests to the right, a ^ (b ^ c) (the others: (a + b) + c). */
export const nestsRight = (e: OpExpr | FnExpr): boolean => e._tag === "Op" && e.op === "^"

/** An n-ary node as nested binary nodes of the same head (nestsRight decides the side); a node of ≤ 2 arguments as it is. */
export const nestBinary = (e: OpExpr | FnExpr): OpExpr | FnExpr => {
  const args = e.args
  if (args.length <= 2) return e
  const rebuild = (a: Expr, b: Expr) => nodeNamed(headNameOf(e), [a, b]) as OpExpr | FnExpr
  if (nestsRight(e)) {
    let acc = args[args.length - 1] as Expr
    for (let i = args.length - 2; i >= 0; i--) acc = rebuild(args[i] as Expr, acc)
    return acc as OpExpr | FnExpr
  }
  let acc = args[0] as Expr
  for (let i = 1; i < args.length; i++) acc = rebuild(acc, args[i] as Expr)
  return acc as OpExpr | FnExpr
}
