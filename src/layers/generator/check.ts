/**
 * Validation of one dataset line (what `grapheme validate --input` runs on every line):
 *
 * 1. schema — JSON, the SPEC §5 fields and types (the field is named), `input_polish`
 *    parses and is canonical, `input_expr` is the same expression, every free symbol
 *    of the input is bound (the variable of derive/integrate/solve is not free);
 * 2. wrong — the Engine recomputes the answer: `expected_result` must agree
 *    (1e-9 relative) and `expected_symbolic` must be equivalent; then the line's own
 *    answer goes through the independent verification (numerical derivative,
 *    quadrature, substitution…) and the level's `verify`;
 * 3. offspec — the input does not belong to its level as specified (`conforms`;
 *    skipped for lines marked `edge_case`, and for lines from another dataset, which
 *    say so in `source`: they are judged on their answers, not on our generator's ranges).
 */
import { Either } from "effect"
import type { Example } from "../../domain/Example.js"
import { decodeLine } from "../../domain/Example.js"
import type { Expr } from "../../domain/Expr.js"
import { equals, float, freeSymbols } from "../../domain/Expr.js"
import { fromJson, toJson } from "../../domain/ExprJson.js"
import { parse, print } from "../../domain/Polish.js"
import { checkPoints, defaultAnswer, defaultVerify, envOf } from "../../plugins/answer.js"
import type { Answer, CurriculumLevel, EngineKernel, Problem } from "../../services/CurriculumLevel.js"
import { rejectionOf } from "./chunk.js"
import type { IssueKind } from "../../services/Generator.js"

export interface LineCheck {
  readonly level: number
  readonly polish: string
  readonly kind: IssueKind | ""
  readonly field: string
  readonly message: string
  readonly unknownLevel: boolean
}

const RESERVED = new Set(["id", "level", "input_polish", "input_expr", "expected_result", "expected_symbolic", "bindings"])

/**
 * The symbols a line must bind: free symbols, minus the variable a calculus head binds.
 * A derivative binds none: its answer is an expression in its other symbols (parameters).
 */
export const symbolsToBind = (e: Expr): Array<string> => {
  if (e._tag === "Fn" && e.fn === "derive") return []
  const free = freeSymbols(e)
  if (e._tag === "Fn" && (e.fn === "derive" || e.fn === "integrate" || e.fn === "solve")) {
    const v = e.args[1]
    if (v !== undefined && v._tag === "Symbol") return free.filter((s) => s !== v.name)
  }
  return free
}

const closeNumbers = (a: number, b: number, rel: number): boolean =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b))

/** Same expression: structurally, after simplification, or numerically at ≥ 3 points (none disagreeing). */
export const sameExpression = (a: Expr, b: Expr, env: Record<string, number>, engine: EngineKernel): boolean => {
  if (equals(a, b)) return true
  try {
    if (equals(engine.simplify(a), engine.simplify(b))) return true
  } catch {
    // fall through to the numeric comparison
  }
  const vars = [...new Set([...freeSymbols(a), ...freeSymbols(b)])].filter((s) => env[s] === undefined)
  let agreed = 0
  for (let i = 0; i < checkPoints.length && agreed < 8; i++) {
    const point: Record<string, number> = { ...env }
    vars.forEach((v, j) => (point[v] = checkPoints[(i + 5 * j) % checkPoints.length] as number))
    const x = engine.evalFloat(a, point)
    const y = engine.evalFloat(b, point)
    if (Number.isNaN(x) && Number.isNaN(y)) continue
    if (Number.isNaN(x) || Number.isNaN(y) || !closeNumbers(x, y, 1e-6)) return false
    agreed++
  }
  return agreed >= 3
}

const issue = (level: number, polish: string, kind: IssueKind, field: string | undefined, message: string, unknownLevel = false): LineCheck => ({
  level,
  polish,
  kind,
  field: field ?? "",
  message,
  unknownLevel
})

export const checkLine = (
  text: string,
  plugins: (level: number) => CurriculumLevel | undefined,
  engine: EngineKernel
): LineCheck => {
  const decoded = decodeLine(text)
  if (Either.isLeft(decoded)) return issue(0, "", "schema", decoded.left.field, decoded.left.message)
  const ex: Example = decoded.right
  const level = ex.level
  const plugin = plugins(level)
  const unknown = plugin === undefined
  const parsed = parse(ex.input_polish)
  if (Either.isLeft(parsed)) return issue(level, "", "schema", "input_polish", parsed.left.message, unknown)
  const input = parsed.right
  const polish = print(input)
  if (polish !== ex.input_polish)
    return issue(level, polish, "schema", "input_polish", `not in canonical form (canonical: ${polish})`, unknown)
  let fromExprJson: Expr
  let symbolic: Expr | null
  try {
    fromExprJson = fromJson(ex.input_expr)
    symbolic = ex.expected_symbolic === null ? null : fromJson(ex.expected_symbolic)
  } catch (e) {
    return issue(level, polish, "schema", "input_expr", (e as Error).message, unknown)
  }
  if (!equals(fromExprJson, fromJson(toJson(input)))) // the JSON form is binary: compare binarised
    return issue(level, polish, "schema", "input_expr", "is not the expression of input_polish", unknown)
  const names = ex.bindings.map(([n]) => n)
  if (new Set(names).size !== names.length) return issue(level, polish, "schema", "bindings", "a symbol is bound twice", unknown)
  for (const s of symbolsToBind(input))
    if (!names.includes(s)) return issue(level, polish, "schema", "bindings", `symbol ${s} has no binding`, unknown)

  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(ex)) if (!RESERVED.has(k)) extra[k] = v
  const problem: Problem = { input, bindings: ex.bindings, extra }
  const env = envOf(ex.bindings)

  // 2a. The Engine's own answer must agree with the line.
  let engineAnswer: Answer
  try {
    engineAnswer = (plugin?.answer ?? defaultAnswer)(problem, engine)
  } catch (e) {
    const [category, message] = rejectionOf(e).split("\t")
    return issue(level, polish, "wrong", undefined, `the Engine cannot answer this input (${category}: ${message})`, unknown)
  }
  if ((engineAnswer.result === null) !== (ex.expected_result === null) ||
      (engineAnswer.result !== null && ex.expected_result !== null && !closeNumbers(engineAnswer.result, ex.expected_result, 1e-9)))
    return issue(level, polish, "wrong", "expected_result", `is ${ex.expected_result}, the Engine gives ${engineAnswer.result}`, unknown)
  if (engineAnswer.symbolic !== null && symbolic === null)
    return issue(level, polish, "wrong", "expected_symbolic", `is null, the Engine gives ${print(engineAnswer.symbolic)}`, unknown)
  if (engineAnswer.symbolic === null && symbolic !== null && plugin !== undefined)
    return issue(level, polish, "wrong", "expected_symbolic", "is given, the level's answer is a number only", unknown)
  if (engineAnswer.symbolic !== null && symbolic !== null && !sameExpression(symbolic, fromJson(toJson(engineAnswer.symbolic)), env, engine))
    return issue(level, polish, "wrong", "expected_symbolic", `${print(symbolic)} is not equivalent to the Engine's ${print(engineAnswer.symbolic)}`, unknown)

  const engineSolutions = engineAnswer.extra?.solutions
  if (Array.isArray(engineSolutions) && (!Array.isArray(extra.solutions) || extra.solutions.length !== engineSolutions.length))
    return issue(level, polish, "wrong", "solutions", `the Engine finds ${engineSolutions.length} solutions: ${engineSolutions.join(", ")}`, unknown)

  // 2b. The line's answer, verified independently.
  let exact: Expr = symbolic ?? (ex.expected_result === null ? float(0) : float(ex.expected_result))
  if (typeof extra.expected_polish === "string") {
    const p = parse(extra.expected_polish)
    if (Either.isLeft(p)) return issue(level, polish, "schema", "expected_polish", p.left.message, unknown)
    exact = p.right
  }
  const stated: Answer = { result: ex.expected_result, symbolic, exact, extra }
  try {
    const bad = defaultVerify(problem, stated, engine) ?? plugin?.verify?.(problem, stated, engine)
    if (bad !== undefined) return issue(level, polish, "wrong", undefined, `verification: ${bad}`, unknown)
  } catch (e) {
    return issue(level, polish, "wrong", undefined, `verification: ${rejectionOf(e).split("\t")[1]}`, unknown)
  }

  // 3. The level's specification.
  if (plugin?.conforms !== undefined && extra.edge_case === undefined && extra.source === undefined) {
    const off = plugin.conforms(problem)
    if (off !== undefined) return issue(level, polish, "offspec", undefined, `not a level ${level} input: ${off}`, unknown)
  }
  return { level, polish, kind: "", field: "", message: "", unknownLevel: unknown }
}
