/**
 * Numeric evaluation with bindings. `evaluate` is exact where the inputs are (see
 * numeric.ts) and iterative, so a 10,000-deep expression evaluates without touching
 * the call stack. The plain double-precision evaluator used inside numerical checks
 * and quadrature, `evalFloat`, is the domain's (src/domain/FloatEval.ts).
 */
import type { Expr } from "../../domain/Expr.js"
import { EngineError } from "../../services/Engine.js"
import type { Num } from "./numeric.js"
import * as N from "./numeric.js"

export type Env = ReadonlyMap<string, Expr | number>

const constantValue = (name: string): number | undefined =>
  name === "pi" ? Math.PI : name === "e" ? Math.E : undefined

const bindingValue = (name: string, env: Env | undefined): Num => {
  const bound = env?.get(name)
  if (bound !== undefined) {
    if (typeof bound === "number") {
      if (!Number.isFinite(bound)) throw N.domainError(`the binding of ${name} is not finite`)
      return Number.isInteger(bound) ? new N.Q(BigInt(bound), 1n) : bound
    }
    const n = N.fromExpr(bound)
    if (n === undefined) throw new EngineError({ reason: "NotNumeric", message: `the binding of ${name} is not a number` })
    return n
  }
  const c = constantValue(name)
  if (c !== undefined) return c
  throw new EngineError({ reason: "Unbound", message: `unbound symbol "${name}"` })
}

const applyOperator = (op: string, args: ReadonlyArray<Num>): Num => {
  switch (op) {
    case "+": {
      let acc = args[0] as Num
      for (let i = 1; i < args.length; i++) acc = N.add(acc, args[i] as Num)
      return acc
    }
    case "*": {
      let acc = args[0] as Num
      for (let i = 1; i < args.length; i++) acc = N.mul(acc, args[i] as Num)
      return acc
    }
    case "-": {
      if (args.length === 1) return N.negate(args[0] as Num)
      let acc = args[0] as Num
      for (let i = 1; i < args.length; i++) acc = N.sub(acc, args[i] as Num)
      return acc
    }
    case "/": {
      let acc = args[0] as Num
      for (let i = 1; i < args.length; i++) acc = N.div(acc, args[i] as Num)
      return acc
    }
    case "^": {
      // Right-associative when written n-ary.
      let acc = args[args.length - 1] as Num
      for (let i = args.length - 2; i >= 0; i--) acc = N.pow(args[i] as Num, acc)
      return acc
    }
    case "%":
      return N.mod(args[0] as Num, args[1] as Num)
    default:
      throw new EngineError({ reason: "NotNumeric", message: `unknown operator ${op}` })
  }
}

/** Evaluates to a number (as Num). Iterative post-order walk. */
export const evaluateNum = (root: Expr, env?: Env): Num => {
  const values: Array<Num> = []
  const stack: Array<Expr | { readonly done: Expr }> = [root]
  while (stack.length > 0) {
    const item = stack.pop()!
    if ("done" in item) {
      const e = item.done as Extract<Expr, { _tag: "Op" | "Fn" }>
      const args = values.splice(values.length - e.args.length, e.args.length)
      values.push(e._tag === "Op" ? applyOperator(e.op, args) : N.applyFunction(e.fn, args[0] as Num))
      continue
    }
    switch (item._tag) {
      case "Integer":
        values.push(new N.Q(item.value, 1n))
        break
      case "Rational":
        values.push(N.Q.of(item.num, item.den))
        break
      case "Float":
        values.push(item.value)
        break
      case "Symbol":
        values.push(bindingValue(item.name, env))
        break
      case "Fn":
      case "Op":
        if (item._tag === "Fn" && (item.fn === "derive" || item.fn === "integrate" || item.fn === "solve" || item.fn === "="))
          throw new EngineError({
            reason: "NotNumeric",
            message: `"${item.fn}" is not a numeric function (the engine's run handles it)`
          })
        stack.push({ done: item })
        for (let i = item.args.length - 1; i >= 0; i--) stack.push(item.args[i] as Expr)
    }
  }
  return values[0] as Num
}

export const toEnv = (
  bindings?: ReadonlyMap<string, Expr | number> | ReadonlyArray<readonly [string, Expr | number]>
): Env | undefined => (bindings === undefined ? undefined : bindings instanceof Map ? bindings : new Map(bindings as ReadonlyArray<readonly [string, Expr | number]>))

/** Evaluates to a number Expr (Integer, Rational or Float). Throws EngineError. */
export const evaluate = (
  expr: Expr,
  bindings?: ReadonlyMap<string, Expr | number> | ReadonlyArray<readonly [string, Expr | number]>
): Expr => N.toExpr(evaluateNum(expr, toEnv(bindings)))
