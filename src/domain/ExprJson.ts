/**
 * The JSON form of an expression: the original Rust engine's serde form (SPEC §2), so
 * datasets interoperate both ways. Its tree is binary, so n-ary `+ * - /` are folded
 * to the left and n-ary `^` to the right when encoding; decoding gives binary nodes.
 *
 * An Integer beyond ±2^53 is written as a JSON string of digits (the original used
 * i64, which could not hold it at all); both forms decode, and so does a bigint (what
 * the lossless JSON reader, ./Json.ts, gives for a long integer literal).
 */
import { Schema } from "effect"
import type { Expr, FunctionName, Operator } from "./Expr.js"
import { isFunctionName, rational, sharedInteger, sharedSymbol } from "./Expr.js"

export type ValueJson =
  | { readonly Integer: number | string | bigint }
  | { readonly Float: number }
  | { readonly Symbol: string }
  | { readonly Rational: readonly [number | string | bigint, number | string | bigint] }

export type ExprJson =
  | { readonly Value: ValueJson }
  | { readonly BinOp: { readonly op: BinOpName; readonly left: ExprJson; readonly right: ExprJson } }
  | { readonly UnaryOp: { readonly op: "Neg"; readonly operand: ExprJson } }
  | { readonly Function: { readonly func: FuncName; readonly args: ReadonlyArray<ExprJson> } }

const binOpNames = ["Add", "Sub", "Mul", "Div", "Pow", "Mod"] as const
type BinOpName = (typeof binOpNames)[number]
const funcNames = [
  "Sin", "Cos", "Tan", "Log", "Ln", "Exp", "Sqrt", "Abs", "Floor", "Ceil",
  "Derive", "Integrate", "Solve", "Equals"
] as const
type FuncName = (typeof funcNames)[number]

const opToName: Record<Operator, BinOpName> = { "+": "Add", "-": "Sub", "*": "Mul", "/": "Div", "^": "Pow", "%": "Mod" }
const nameToOp: Record<BinOpName, Operator> = { Add: "+", Sub: "-", Mul: "*", Div: "/", Pow: "^", Mod: "%" }
const fnToName = (f: FunctionName): FuncName =>
  f === "=" ? "Equals" : ((f.charAt(0).toUpperCase() + f.slice(1)) as FuncName)
const nameToFn = (n: FuncName): FunctionName => {
  const f = n === "Equals" ? "=" : n.toLowerCase()
  if (!isFunctionName(f)) throw new Error(`unknown function ${n}`)
  return f
}

const IntegerText = Schema.String.pipe(Schema.pattern(/^-?[0-9]+$/))
const IntegerJson = Schema.Union(Schema.Int, IntegerText, Schema.BigIntFromSelf)

const ValueJsonSchema = Schema.Union(
  Schema.Struct({ Integer: IntegerJson }),
  Schema.Struct({ Float: Schema.Number.pipe(Schema.finite()) }),
  Schema.Struct({ Symbol: Schema.String.pipe(Schema.pattern(/^[A-Za-z_][A-Za-z0-9_]*$/)) }),
  Schema.Struct({
    Rational: Schema.Tuple(IntegerJson, IntegerJson).pipe(
      Schema.filter(([, d]) => BigInt(d) !== 0n || "a rational needs a nonzero denominator")
    )
  })
)

/** The serde JSON form, validated structurally (no conversion). */
export const ExprJsonSchema: Schema.Schema<ExprJson> = Schema.Union(
  Schema.Struct({ Value: ValueJsonSchema }),
  Schema.Struct({
    BinOp: Schema.Struct({
      op: Schema.Literal(...binOpNames),
      left: Schema.suspend(() => ExprJsonSchema),
      right: Schema.suspend(() => ExprJsonSchema)
    })
  }),
  Schema.Struct({ UnaryOp: Schema.Struct({ op: Schema.Literal("Neg"), operand: Schema.suspend(() => ExprJsonSchema) }) }),
  Schema.Struct({
    Function: Schema.Struct({
      func: Schema.Literal(...funcNames),
      args: Schema.Array(Schema.suspend(() => ExprJsonSchema))
    })
  })
)

const intToJson = (v: bigint): number | string =>
  v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
const jsonToInt = (v: number | string | bigint): bigint => BigInt(v)

/** Expr → serde JSON. */
export const toJson = (e: Expr): ExprJson => {
  switch (e._tag) {
    case "Integer":
      return { Value: { Integer: intToJson(e.value) } }
    case "Float":
      return { Value: { Float: e.value } }
    case "Rational":
      return { Value: { Rational: [intToJson(e.num), intToJson(e.den)] } }
    case "Symbol":
      return { Value: { Symbol: e.name } }
    case "Fn":
      return { Function: { func: fnToName(e.fn), args: e.args.map(toJson) } }
    case "Op": {
      const args = e.args.map(toJson)
      if (args.length === 1) return { UnaryOp: { op: "Neg", operand: args[0] as ExprJson } }
      const name = opToName[e.op]
      if (e.op === "^") return args.reduceRight((right, left) => ({ BinOp: { op: name, left, right } }))
      return args.reduce((left, right) => ({ BinOp: { op: name, left, right } }))
    }
  }
}

/** Serde JSON (already structurally valid) → Expr. */
export const fromJson = (j: ExprJson): Expr => {
  if ("Value" in j) {
    const v = j.Value
    if ("Integer" in v) return sharedInteger(jsonToInt(v.Integer))
    if ("Float" in v) return { _tag: "Float", value: v.Float }
    if ("Symbol" in v) return sharedSymbol(v.Symbol)
    return rational(jsonToInt(v.Rational[0]), jsonToInt(v.Rational[1]))
  }
  if ("BinOp" in j) return { _tag: "Op", op: nameToOp[j.BinOp.op], args: [fromJson(j.BinOp.left), fromJson(j.BinOp.right)] }
  if ("UnaryOp" in j) return { _tag: "Op", op: "-", args: [fromJson(j.UnaryOp.operand)] }
  return { _tag: "Fn", fn: nameToFn(j.Function.func), args: j.Function.args.map(fromJson) }
}

const ExprType = Schema.declare((u: unknown): u is Expr => typeof u === "object" && u !== null && "_tag" in u, {
  identifier: "Expr"
})

/** Schema from the serde JSON form to an Expr: `Schema.decodeUnknown(ExprFromJson)(json)`. */
export const ExprFromJson: Schema.Schema<Expr, ExprJson> = Schema.transform(ExprJsonSchema, ExprType, {
  strict: true,
  decode: fromJson,
  encode: toJson
})
