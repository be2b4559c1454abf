/**
 * Emission of a learned rule as an expression: the tangent of an input tree along a
 * symbol, built bottom-up by each head's learned terms (./terms.ts) over copies of the
 * input's own subtrees. Only structure is built here (a zero term is left out, a factor
 * 1 is not written); nothing is evaluated or simplified, and a head without a learned
 * rule gives no answer.
 */
import type { Expr } from "../../../domain/Expr.js"
import { fn, op, rational } from "../../../domain/Expr.js"
import type { Term } from "./subset.js"
import { COLUMNS, FACTORS, MONOMIALS } from "./terms.js"

/** What a brain has learned about tangents: each head row's terms and the leaves' slopes. */
export interface TangentRules {
  readonly heads: ReadonlyMap<number, ReadonlyArray<Term>>
  /** Slope of a number leaf, and of a leaf that is the symbol of differentiation. */
  readonly numberSlope: number
  readonly variableSlope: number
}

/** The brain's head row of a node (n-ary nodes fold into their two-argument row, as in featurize). */
export type HeadRowOf = (e: Extract<Expr, { _tag: "Op" | "Fn" }>, arity: 1 | 2) => number

const ZERO = undefined

/** A coefficient (a multiple of 1/2) as a number leaf. */
export const numberExpr = (c: number): Expr => rational(BigInt(Math.round(2 * c)), 2n)

/** n-ary nodes as featurize folds them: ^ to the right, the rest to the left. */
export const binaryFold = (e: Extract<Expr, { _tag: "Op" | "Fn" }>): Expr => {
  const args = e.args
  if (args.length <= 2) return e
  const rebuild = (a: Expr, b: Expr): Expr => (e._tag === "Op" ? op(e.op, a, b) : fn(e.fn, a, b))
  if (e._tag === "Op" && e.op === "^") {
    let acc = args[args.length - 1] as Expr
    for (let i = args.length - 2; i >= 0; i--) acc = rebuild(args[i] as Expr, acc)
    return acc
  }
  let acc = args[0] as Expr
  for (let i = 1; i < args.length; i++) acc = rebuild(acc, args[i] as Expr)
  return acc
}

const product = (factors: ReadonlyArray<Expr>): Expr | undefined =>
  factors.length === 0 ? undefined : factors.length === 1 ? factors[0] : op("*", ...factors)

/**
 * The tangent of e along `variable` under the rules; `undefined` inside means a zero
 * tangent, a thrown NoRule means some head has no learned rule.
 */
class NoRule extends Error {}

const tangent = (e: Expr, variable: string, rules: TangentRules, headRowOf: HeadRowOf): Expr | undefined => {
  switch (e._tag) {
    case "Integer":
    case "Rational":
    case "Float":
      return slopeExpr(rules.numberSlope)
    case "Symbol":
      return slopeExpr(e.name === variable ? rules.variableSlope : rules.numberSlope)
    case "Op":
    case "Fn": {
      if (e.args.length === 0) throw new NoRule()
      const node = binaryFold(e) as Extract<Expr, { _tag: "Op" | "Fn" }>
      const unary = node.args.length === 1
      const terms = rules.heads.get(headRowOf(node, unary ? 1 : 2))
      if (terms === undefined) throw new NoRule()
      const u = node.args[0] as Expr
      const v = unary ? undefined : (node.args[1] as Expr)
      const du = tangent(u, variable, rules, headRowOf)
      const dv = v === undefined ? ZERO : tangent(v, variable, rules, headRowOf)
      const built: Array<{ readonly negative: boolean; readonly expr: Expr }> = []
      for (const t of terms) {
        const column = COLUMNS[t.column]
        if (column === undefined) throw new NoRule()
        const d = column.slot === 0 ? du : dv
        if (d === ZERO) continue
        const numerator: Array<Expr> = []
        const denominator: Array<Expr> = []
        const magnitude = Math.abs(t.coefficient)
        if (magnitude !== 1) numerator.push(numberExpr(magnitude))
        for (const f of MONOMIALS[column.monomial] as ReadonlyArray<number>) {
          const factor = FACTORS[f]
          // The absent second child of a one-argument head reads 1 (featurize): a factor 1.
          if (v === undefined && (factor === "v" || factor === "1/v")) continue
          if (factor === "u") numerator.push(u)
          else if (factor === "v") numerator.push(v as Expr)
          else if (factor === "node") numerator.push(e)
          else if (factor === "1/u") denominator.push(u)
          else if (factor === "1/v") denominator.push(v as Expr)
          else if (factor === "sin u") numerator.push(fn("sin", u))
          else if (factor === "cos u") numerator.push(fn("cos", u))
          else numerator.push(op("^", u, op("-", v ?? numberExpr(1), numberExpr(1))))
        }
        if (!isOne(d)) numerator.push(d)
        const top = product(numerator) ?? numberExpr(1)
        const bottom = product(denominator)
        built.push({ negative: t.coefficient < 0, expr: bottom === undefined ? top : op("/", top, bottom) })
      }
      return signedSum(built)
    }
  }
}

/**
 * ±t₁ ± t₂ ± … as binary + and −, undefined (zero) when empty. A leading minus is a factor
 * −1: the brain evaluates emitted expressions too (level 6), with the heads it knows, and
 * no earlier level taught it unary minus.
 */
export const signedSum = (terms: ReadonlyArray<{ readonly negative: boolean; readonly expr: Expr }>): Expr | undefined => {
  const [first, ...rest] = terms
  if (first === undefined) return undefined
  let acc = first.negative ? op("*", numberExpr(-1), first.expr) : first.expr
  for (const t of rest) acc = op(t.negative ? "-" : "+", acc, t.expr)
  return acc
}

const slopeExpr = (slope: number): Expr | undefined => (Math.round(2 * slope) === 0 ? ZERO : numberExpr(slope))
const isOne = (e: Expr) => e._tag === "Integer" && e.value === 1n

/** The tangent of e along `variable` as an expression, or undefined where a head has no rule. */
export const emitTangent = (e: Expr, variable: string, rules: TangentRules, headRowOf: HeadRowOf): Expr | undefined => {
  try {
    return tangent(e, variable, rules, headRowOf) ?? numberExpr(0)
  } catch (error) {
    if (error instanceof NoRule || error instanceof RangeError) return undefined
    throw error
  }
}
