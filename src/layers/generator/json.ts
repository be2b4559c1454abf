/**
 * The serde JSON text of an expression, written directly: the same characters as
 * `JSON.stringify(toJson(e))` (ExprJson.ts, the format's definition) without building
 * the object tree first. Hot path of generation; a test checks the equality.
 */
import type { Expr, FunctionName, Operator } from "../../domain/Expr.js"

const OP_NAMES: Record<Operator, string> = { "+": "Add", "-": "Sub", "*": "Mul", "/": "Div", "^": "Pow", "%": "Mod" }

const funcName = (f: FunctionName): string => (f === "=" ? "Equals" : f.charAt(0).toUpperCase() + f.slice(1))

const SAFE = BigInt(Number.MAX_SAFE_INTEGER)

const intText = (v: bigint): string => (v >= -SAFE && v <= SAFE ? v.toString() : `"${v.toString()}"`)

export const exprJsonText = (e: Expr): string => {
  switch (e._tag) {
    case "Integer":
      return `{"Value":{"Integer":${intText(e.value)}}}`
    case "Float":
      return `{"Value":{"Float":${JSON.stringify(e.value)}}}`
    case "Rational":
      return `{"Value":{"Rational":[${intText(e.num)},${intText(e.den)}]}}`
    case "Symbol":
      return `{"Value":{"Symbol":${JSON.stringify(e.name)}}}`
    case "Fn": {
      let args = ""
      for (let i = 0; i < e.args.length; i++) args += (i === 0 ? "" : ",") + exprJsonText(e.args[i] as Expr)
      return `{"Function":{"func":"${funcName(e.fn)}","args":[${args}]}}`
    }
    case "Op": {
      const n = e.args.length
      if (n === 1) return `{"UnaryOp":{"op":"Neg","operand":${exprJsonText(e.args[0] as Expr)}}}`
      const name = OP_NAMES[e.op]
      if (e.op === "^") {
        // right fold: a ^ (b ^ c)
        let acc = exprJsonText(e.args[n - 1] as Expr)
        for (let i = n - 2; i >= 0; i--) acc = `{"BinOp":{"op":"${name}","left":${exprJsonText(e.args[i] as Expr)},"right":${acc}}}`
        return acc
      }
      let acc = exprJsonText(e.args[0] as Expr)
      for (let i = 1; i < n; i++) acc = `{"BinOp":{"op":"${name}","left":${acc},"right":${exprJsonText(e.args[i] as Expr)}}}`
      return acc
    }
  }
}
