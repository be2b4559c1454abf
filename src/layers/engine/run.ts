/**
 * What an expression asks for: calculus heads are carried out innermost first
 * ((derive f x) → the derivative, (integrate f x a b) → the definite value,
 * (solve (= …) x) → the solution), then the result is evaluated when every symbol is
 * bound, and simplified otherwise.
 */
import type { Expr } from "../../domain/Expr.js"
import { freeSymbols } from "../../domain/Expr.js"
import { print } from "../../domain/Polish.js"
import { EngineError } from "../../services/Engine.js"
import { derive } from "./derive.js"
import { evaluate, toEnv } from "./evaluate.js"
import { antiderivative, definiteIntegral } from "./integrate.js"
import { simplify } from "./simplify.js"
import { solve } from "./solve.js"

const variableOf = (e: Expr): string => (e._tag === "Symbol" ? e.name : "x")

/** Replaces every calculus head by its result, innermost first. */
export const reduceCalculus = (e: Expr): Expr => {
  if (e._tag !== "Op" && e._tag !== "Fn") return e
  const args = e.args.map(reduceCalculus)
  if (e._tag === "Op") return args.every((a, i) => a === e.args[i]) ? e : { ...e, args }
  switch (e.fn) {
    case "derive":
      return derive(args[0] as Expr, variableOf(args[1] as Expr))
    case "integrate": {
      const v = variableOf(args[1] as Expr)
      if (args.length === 2) return antiderivative(args[0] as Expr, v)
      const r = definiteIntegral(args[0] as Expr, v, args[2] as Expr, args[3] as Expr)
      return r.exact ?? { _tag: "Float", value: r.value }
    }
    case "solve": {
      const r = solve(args[0] as Expr, variableOf(args[1] as Expr))
      if (r._tag === "Solutions" && r.values.length === 1) return r.values[0] as Expr
      const what =
        r._tag === "NoSolution" ? "has no solution"
        : r._tag === "AllReals" ? "holds for every real number"
        : `has ${r.values.length} solutions: ${r.values.map(print).join(", ")}`
      throw new EngineError({ reason: "NotNumeric", message: `the equation ${what}` })
    }
    default:
      return args.every((a, i) => a === e.args[i]) ? e : { ...e, args }
  }
}

/** Whether any calculus head occurs (iterative, so deep inputs skip the recursive pass). */
const hasCalculus = (root: Expr): boolean => {
  const stack: Array<Expr> = [root]
  while (stack.length > 0) {
    const e = stack.pop() as Expr
    if (e._tag === "Fn" && (e.fn === "derive" || e.fn === "integrate" || e.fn === "solve")) return true
    if (e._tag === "Op" || e._tag === "Fn") for (const a of e.args) stack.push(a)
  }
  return false
}

export const run = (
  expr: Expr,
  bindings?: ReadonlyMap<string, Expr | number> | ReadonlyArray<readonly [string, Expr | number]>
): Expr => {
  const reduced = hasCalculus(expr) ? reduceCalculus(expr) : expr
  if (reduced._tag === "Fn" && reduced.fn === "=") return simplify(reduced)
  const env = toEnv(bindings)
  const unbound = freeSymbols(reduced).filter((s) => env?.get(s) === undefined)
  return unbound.length === 0 ? evaluate(reduced, env) : simplify(reduced)
}
