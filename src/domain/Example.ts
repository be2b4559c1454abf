/**
 * One line of a dataset (SPEC §5): the original Rust implementation's JSONL schema,
 * extra fields allowed.
 *
 * ```json
 * {"id":"L2-000000001","level":2,"input_polish":"(+ (* 2 3) 4)","input_expr":{…},
 *  "expected_result":10,"expected_symbolic":null,"bindings":[["x",2]]}
 * ```
 *
 * Extra fields our generator writes (a learner may use them as auxiliary targets):
 * - `expected_polish`: the exact answer in Polish (`"7/3"`, `"(* 2 x)"`), since a JSON
 *   number cannot hold 7/3 or 2^64 exactly;
 * - level 7: `lhs_affine` / `rhs_affine`, each side of the equation as α·x + β → `[α, β]`;
 * - `edge_case`: on hand-written hard cases, what the case is about.
 *
 * Decoding never throws: a bad line gives a `LineIssue` that names the field and what
 * is wrong with it. Integer literals of any size are read exactly (./Json.ts): inside an
 * expression they stay exact Integers; `expected_result` and binding values are doubles
 * by definition and take the nearest double.
 */
import { Either, ParseResult, Schema } from "effect"
import type { ExprJson } from "./ExprJson.js"
import { ExprJsonSchema } from "./ExprJson.js"
import { parseJson } from "./Json.js"

/** A finite double; a long integer literal (a bigint from the lossless reader) becomes the nearest double. */
const FiniteNumber = Schema.Union(
  Schema.Number.pipe(Schema.finite()),
  Schema.transform(Schema.BigIntFromSelf, Schema.Number.pipe(Schema.finite()), { strict: true, decode: (b) => Number(b), encode: (n) => BigInt(n) })
)

/** The three parts of a dataset, disjoint by input: `<dir>/<split>/level_N.jsonl`. */
export type Split = "train" | "val" | "test"
export const splits: ReadonlyArray<Split> = ["train", "val", "test"]

/** A binding `[name, value]`; generated data binds integers, foreign data may bind any finite number. */
export const Binding = Schema.Tuple(
  Schema.String.pipe(Schema.pattern(/^[A-Za-z_][A-Za-z0-9_]*$/)),
  FiniteNumber
)
export type Binding = typeof Binding.Type

export const Example = Schema.Struct({
  id: Schema.String.pipe(Schema.minLength(1)),
  level: Schema.Int.pipe(Schema.positive()),
  input_polish: Schema.String.pipe(Schema.minLength(1)),
  input_expr: ExprJsonSchema,
  expected_result: Schema.NullOr(FiniteNumber),
  expected_symbolic: Schema.NullOr(ExprJsonSchema),
  bindings: Schema.Array(Binding)
})

/** A decoded line: the schema's fields plus whatever extra fields the line carries. */
export type Example = typeof Example.Type & { readonly [extra: string]: unknown }

/** The fields of a line in the order the generator writes them. */
export interface ExampleFields {
  readonly id: string
  readonly level: number
  readonly input_polish: string
  readonly input_expr: ExprJson
  readonly expected_result: number | null
  readonly expected_symbolic: ExprJson | null
  readonly bindings: ReadonlyArray<Binding>
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

/** What is wrong with a line: the field (dotted path) when one is to blame, and why. */
export interface LineIssue {
  readonly field: string | undefined
  readonly message: string
}

export const formatIssue = (issue: LineIssue): string =>
  issue.field === undefined ? issue.message : `field ${issue.field}: ${issue.message}`

const decodeExample = Schema.decodeUnknownEither(Example, { onExcessProperty: "preserve", errors: "first" })

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("")

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/
const BIN_OPS = new Set(["Add", "Sub", "Mul", "Div", "Pow", "Mod"])
const FUNCS = new Set(["Sin", "Cos", "Tan", "Log", "Ln", "Exp", "Sqrt", "Abs", "Floor", "Ceil", "Derive", "Integrate", "Solve", "Equals"])

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const onlyKey = (o: Record<string, unknown>): string | undefined => {
  let key: string | undefined
  for (const k in o) {
    if (key !== undefined) return undefined
    key = k
  }
  return key
}
const isIntJson = (u: unknown): boolean =>
  (typeof u === "number" && Number.isSafeInteger(u)) || (typeof u === "string" && /^-?[0-9]+$/.test(u)) || typeof u === "bigint"

const describeValue = (u: unknown): string =>
  typeof u === "bigint" ? u.toString() : u === undefined ? "nothing" : JSON.stringify(u)?.slice(0, 40) ?? String(u)

const EXPR_KEYS = "one of Value, BinOp, UnaryOp, Function"

/**
 * What is wrong with an expression in the serde JSON form, at which path (below the
 * field), or undefined when nothing is: the first problem, in the words a user can act on.
 */
export const exprJsonIssue = (root: unknown): { readonly path: string; readonly message: string } | undefined => {
  const stack: Array<[unknown, string]> = [[root, ""]]
  while (stack.length > 0) {
    const [u, at] = stack.pop() as [unknown, string]
    if (!isObject(u)) return { path: at, message: `expected an object with ${EXPR_KEYS}, got ${describeValue(u)}` }
    const keys = Object.keys(u)
    const key = keys[0]
    if (keys.length !== 1 || key === undefined) return { path: at, message: `expected exactly one key, ${EXPR_KEYS}; got ${keys.length === 0 ? "none" : keys.join(", ")}` }
    const body = u[key]
    const here = `${at}.${key}`
    if (!isObject(body)) return { path: here, message: `expected an object, got ${describeValue(body)}` }
    switch (key) {
      case "Value": {
        const k = onlyKey(body)
        const v = k === undefined ? undefined : body[k]
        if (k === "Integer") {
          if (!isIntJson(v)) return { path: `${here}.Integer`, message: `expected an integer, got ${describeValue(v)}` }
        } else if (k === "Float") {
          if (typeof v !== "number" || !Number.isFinite(v)) return { path: `${here}.Float`, message: `expected a finite number, got ${describeValue(v)}` }
        } else if (k === "Symbol") {
          if (typeof v !== "string" || !SYMBOL.test(v)) return { path: `${here}.Symbol`, message: `expected a symbol name, got ${describeValue(v)}` }
        } else if (k === "Rational") {
          if (!Array.isArray(v) || v.length !== 2 || !isIntJson(v[0]) || !isIntJson(v[1]))
            return { path: `${here}.Rational`, message: `expected [numerator, denominator] integers, got ${describeValue(v)}` }
          if (BigInt(v[1] as number | string | bigint) === 0n) return { path: `${here}.Rational`, message: "a rational needs a nonzero denominator" }
        } else return { path: here, message: `expected exactly one of Integer, Float, Symbol, Rational; got ${Object.keys(body).join(", ") || "none"}` }
        break
      }
      case "BinOp":
        if (typeof body.op !== "string" || !BIN_OPS.has(body.op))
          return { path: `${here}.op`, message: `expected one of ${[...BIN_OPS].join(", ")}, got ${describeValue(body.op)}` }
        for (const side of ["left", "right"]) if (!(side in body)) return { path: `${here}.${side}`, message: "is missing" }
        stack.push([body.right, `${here}.right`], [body.left, `${here}.left`])
        break
      case "UnaryOp":
        if (body.op !== "Neg") return { path: `${here}.op`, message: `expected Neg, got ${describeValue(body.op)}` }
        if (!("operand" in body)) return { path: `${here}.operand`, message: "is missing" }
        stack.push([body.operand, `${here}.operand`])
        break
      case "Function":
        if (typeof body.func !== "string" || !FUNCS.has(body.func))
          return { path: `${here}.func`, message: `expected one of ${[...FUNCS].join(", ")}, got ${describeValue(body.func)}` }
        if (!Array.isArray(body.args)) return { path: `${here}.args`, message: `expected an array, got ${describeValue(body.args)}` }
        for (let i = body.args.length - 1; i >= 0; i--) stack.push([body.args[i], `${here}.args[${i}]`])
        break
      default:
        return { path: at, message: `expected ${EXPR_KEYS}, got ${key}` }
    }
  }
  return undefined
}

/** Is `u` an expression in the serde JSON form? A fast, strict subset of ExprJsonSchema (iterative). */
export const isExprJson = (root: unknown): boolean => {
  const stack: Array<unknown> = [root]
  while (stack.length > 0) {
    const u = stack.pop()
    if (!isObject(u)) return false
    const key = onlyKey(u)
    const body = key === undefined ? undefined : u[key]
    if (!isObject(body)) return false
    switch (key) {
      case "Value": {
        const k = onlyKey(body)
        const v = k === undefined ? undefined : body[k]
        if (k === "Integer") {
          if (!isIntJson(v)) return false
        } else if (k === "Float") {
          if (typeof v !== "number" || !Number.isFinite(v)) return false
        } else if (k === "Symbol") {
          if (typeof v !== "string" || !SYMBOL.test(v)) return false
        } else if (k === "Rational") {
          if (!Array.isArray(v) || v.length !== 2 || !isIntJson(v[0]) || !isIntJson(v[1]) || BigInt(v[1] as number | string) === 0n) return false
        } else return false
        break
      }
      case "BinOp":
        if (Object.keys(body).length !== 3 || typeof body.op !== "string" || !BIN_OPS.has(body.op)) return false
        stack.push(body.left, body.right)
        break
      case "UnaryOp":
        if (Object.keys(body).length !== 2 || body.op !== "Neg") return false
        stack.push(body.operand)
        break
      case "Function":
        if (Object.keys(body).length !== 2 || typeof body.func !== "string" || !FUNCS.has(body.func) || !Array.isArray(body.args)) return false
        for (const a of body.args) stack.push(a)
        break
      default:
        return false
    }
  }
  return true
}

const isFinite = (u: unknown): u is number => typeof u === "number" && Number.isFinite(u)

/** The common case without Schema's cost; anything it does not accept goes through the Schema (for the message). */
const fastExample = (o: Record<string, unknown>): boolean =>
  typeof o.id === "string" && o.id.length > 0 &&
  typeof o.level === "number" && Number.isInteger(o.level) && o.level > 0 &&
  typeof o.input_polish === "string" && o.input_polish.length > 0 &&
  (o.expected_result === null || isFinite(o.expected_result)) &&
  Array.isArray(o.bindings) &&
  o.bindings.every((b) => Array.isArray(b) && b.length === 2 && typeof b[0] === "string" && SYMBOL.test(b[0]) && isFinite(b[1])) &&
  isExprJson(o.input_expr) &&
  (o.expected_symbolic === null || isExprJson(o.expected_symbolic))

/** Parses and decodes one JSONL line. */
export const decodeLine = (text: string): Either.Either<Example, LineIssue> => {
  let json: unknown
  try {
    json = parseJson(text)
  } catch (e) {
    return Either.left({ field: undefined, message: `invalid JSON (${(e as Error).message})` })
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return Either.left({ field: undefined, message: "a line must be a JSON object" })
  if (fastExample(json as Record<string, unknown>)) return Either.right(json as Example)
  // An expression field that is present but malformed: say where inside it, and why.
  for (const field of ["input_expr", "expected_symbolic"] as const) {
    const value = (json as Record<string, unknown>)[field]
    if (value === undefined || (value === null && field === "expected_symbolic")) continue
    const bad = exprJsonIssue(value)
    if (bad !== undefined) return Either.left({ field: `${field}${bad.path}`, message: bad.message })
  }
  const decoded = decodeExample(json)
  if (Either.isRight(decoded)) return Either.right(decoded.right as Example)
  const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
  const first = issues[0]
  if (first === undefined) return Either.left({ field: undefined, message: "does not match the line schema" })
  // The top-level field is what a user can act on; the rest of the path says where inside it.
  return Either.left({ field: pathText(first.path) || undefined, message: first.message })
}

/** One line of JSON (no trailing newline), fields in the schema's order, then the extras. */
export const encodeLine = (fields: ExampleFields): string => {
  const line: Record<string, unknown> = {
    id: fields.id,
    level: fields.level,
    input_polish: fields.input_polish,
    input_expr: fields.input_expr,
    expected_result: fields.expected_result,
    expected_symbolic: fields.expected_symbolic,
    bindings: fields.bindings
  }
  if (fields.extra !== undefined) for (const [k, v] of Object.entries(fields.extra)) if (!(k in line)) line[k] = v
  return JSON.stringify(line)
}
