/**
 * Random expression trees for the built-in levels, and the shape checks that say
 * whether an input belongs to a level (`conforms`).
 *
 * `valuedTree` builds a tree of an exact height while tracking its double value, so
 * that a level can keep divisors away from zero and function arguments inside their
 * domain at construction time (the Engine still computes and verifies the answer).
 */
import type { Expr, Operator, UnaryFunction } from "../../domain/Expr.js"
import { depth, fn, freeSymbols, int, op, sym } from "../../domain/Expr.js"
import type { Rng } from "../../domain/Random.js"
import type { Problem, Verdict } from "../../services/CurriculumLevel.js"

export interface Valued {
  readonly e: Expr
  readonly v: number
}

export type BinaryOp = Extract<Operator, "+" | "-" | "*" | "/" | "^">

export interface TreeSpec {
  readonly ops: ReadonlyArray<BinaryOp>
  readonly fns: ReadonlyArray<UnaryFunction>
  /** Probability that an internal node is a function (when `fns` is not empty). */
  readonly fnProbability: number
  readonly leaf: (rng: Rng) => Valued
  /** The exponent of `^` given its base (a leaf). */
  readonly exponent: (rng: Rng, base: Valued) => Valued
  /** Probability that an internal node is a negation `(- t)` (absent: never, and no draw is made). */
  readonly negationProbability?: number | undefined
}

const TINY = 1e-9

/** Is `v` a valid argument of `f`, with a margin so that double rounding cannot cross the edge? */
export const inDomain = (f: UnaryFunction, v: number): boolean => {
  switch (f) {
    case "ln":
    case "log":
      return v > 1e-6
    case "sqrt":
      return v >= 0
    case "tan":
      return Math.abs(Math.cos(v)) > 0.05
    case "exp":
      return Math.abs(v) <= 30
    default:
      return Number.isFinite(v)
  }
}

const apply1 = (f: UnaryFunction, v: number): number => {
  switch (f) {
    case "sin":
      return Math.sin(v)
    case "cos":
      return Math.cos(v)
    case "tan":
      return Math.tan(v)
    case "ln":
      return Math.log(v)
    case "log":
      return Math.log10(v)
    case "exp":
      return Math.exp(v)
    case "sqrt":
      return Math.sqrt(v)
    default:
      return NaN
  }
}

const apply2 = (o: BinaryOp, a: number, b: number): number =>
  o === "+" ? a + b : o === "-" ? a - b : o === "*" ? a * b : o === "/" ? a / b : Math.pow(a, b)

/** A tree of height exactly `d` (a leaf has height 0) with its double value. */
export const valuedTree = (rng: Rng, spec: TreeSpec, d: number): Valued => {
  if (d <= 0) return spec.leaf(rng)
  if (spec.negationProbability !== undefined && rng.bool(spec.negationProbability)) {
    const arg = valuedTree(rng, spec, d - 1)
    return { e: op("-", arg.e), v: -arg.v }
  }
  if (spec.fns.length > 0 && rng.bool(spec.fnProbability)) {
    const f = rng.pick(spec.fns)
    for (let attempt = 0; attempt < 8; attempt++) {
      const arg = valuedTree(rng, spec, d - 1)
      if (inDomain(f, arg.v)) return { e: fn(f, arg.e), v: apply1(f, arg.v) }
    }
    const k = rng.int(1, 10) // every function is defined at 1…10 with margin
    return { e: fn(f, int(k)), v: apply1(f, k) }
  }
  const o = rng.pick(spec.ops)
  if (o === "^") {
    const base = valuedTree(rng, spec, d - 1)
    const ex = spec.exponent(rng, base)
    return { e: op("^", base.e, ex.e), v: Math.pow(base.v, ex.v) }
  }
  const deepLeft = rng.bool()
  const shallow = rng.int(0, d - 1)
  const left = valuedTree(rng, spec, deepLeft ? d - 1 : shallow)
  let right = valuedTree(rng, spec, deepLeft ? shallow : d - 1)
  let o2: BinaryOp = o
  if (o === "/") {
    for (let attempt = 0; attempt < 8 && Math.abs(right.v) < TINY; attempt++)
      right = valuedTree(rng, spec, deepLeft ? shallow : d - 1)
    if (Math.abs(right.v) < TINY) o2 = rng.pick(["+", "-", "*"] as const)
  }
  return { e: op(o2, left.e, right.e), v: apply2(o2, left.v, right.v) }
}

/** Picks an index by weight. */
export const weighted = (rng: Rng, weights: ReadonlyArray<number>): number => {
  let total = 0
  for (const w of weights) total += w
  let r = rng.next() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number
    if (r < 0) return i
  }
  return weights.length - 1
}

export const VARIABLES = ["x", "y", "z"] as const

/** Random integer bindings for x, y, z. */
export const drawBindings = (rng: Rng, lo: number, hi: number): Record<string, number> => ({
  x: rng.int(lo, hi),
  y: rng.int(lo, hi),
  z: rng.int(lo, hi)
})

/** The bindings of the symbols that occur in `e`, sorted by name. */
export const bindingsFor = (e: Expr, env: Record<string, number>): Array<readonly [string, number]> =>
  freeSymbols(e).map((s) => [s, env[s] as number] as const)

export const symbolLeaf = (name: string, env: Record<string, number>): Valued => ({ e: sym(name), v: env[name] as number })
export const intLeaf = (k: number): Valued => ({ e: int(k), v: k })

export const hasFunction = (e: Expr): boolean => {
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const x = stack.pop() as Expr
    if (x._tag === "Fn") return true
    if (x._tag === "Op") for (const a of x.args) stack.push(a)
  }
  return false
}

// ---- shape checks ------------------------------------------------------------------

export interface ShapeSpec {
  readonly ops: ReadonlyArray<Operator>
  readonly fns: ReadonlyArray<string>
  readonly depth: readonly [number, number]
  /** Why a leaf is not allowed, or undefined. */
  readonly leaf: (e: Expr) => Verdict
  /** Why the exponent of `^` is not allowed, or undefined; by default any allowed leaf/tree. */
  readonly exponent?: ((e: Expr) => Verdict) | undefined
  /** Whether `(- t)` (negation, one argument) is allowed. */
  readonly negation?: boolean | undefined
}

/** Checks operators (binary; `-` also unary where `negation` allows), functions (unary), leaves, exponents and height. */
export const checkShape = (e: Expr, spec: ShapeSpec): Verdict => {
  const h = depth(e)
  if (h < spec.depth[0] || h > spec.depth[1])
    return `depth ${h} is outside ${spec.depth[0]}–${spec.depth[1]}`
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const x = stack.pop() as Expr
    if (x._tag === "Op") {
      if (!spec.ops.includes(x.op)) return `operator ${x.op} is not in {${spec.ops.join(" ")}}`
      if (x.op === "-" && x.args.length === 1 && spec.negation === true) {
        stack.push(x.args[0] as Expr)
        continue
      }
      if (x.args.length !== 2) return `operator ${x.op} with ${x.args.length} arguments (binary expected)`
      if (x.op === "^" && spec.exponent !== undefined) {
        const bad = spec.exponent(x.args[1] as Expr)
        if (bad !== undefined) return bad
        stack.push(x.args[0] as Expr)
        continue
      }
      for (const a of x.args) stack.push(a)
    } else if (x._tag === "Fn") {
      if (!spec.fns.includes(x.fn)) return `function ${x.fn} is not in {${spec.fns.join(" ")}}`
      for (const a of x.args) stack.push(a)
    } else {
      const bad = spec.leaf(x)
      if (bad !== undefined) return bad
    }
  }
  return undefined
}

export const integerIn =
  (lo: number, hi: number) =>
  (e: Expr): boolean =>
    e._tag === "Integer" && e.value >= BigInt(lo) && e.value <= BigInt(hi)

const text = (e: Expr): string =>
  e._tag === "Integer" ? e.value.toString()
  : e._tag === "Symbol" ? e.name
  : e._tag === "Float" ? String(e.value)
  : e._tag === "Rational" ? `${e.num}/${e.den}`
  : "(…)"

export const leafRule =
  (lo: number, hi: number, symbols: ReadonlyArray<string>) =>
  (e: Expr): Verdict =>
    integerIn(lo, hi)(e) || (e._tag === "Symbol" && symbols.includes(e.name))
      ? undefined
      : `leaf ${text(e)} is not an integer in [${lo}, ${hi}]${symbols.length > 0 ? ` or one of ${symbols.join(", ")}` : ""}`

export const exponentRule =
  (lo: number, hi: number) =>
  (e: Expr): Verdict =>
    integerIn(lo, hi)(e) ? undefined : `exponent ${text(e)} is not an integer in [${lo}, ${hi}]`

/** Every free symbol bound exactly once to an integer in [lo, hi], and nothing else bound. */
export const checkBindings = (problem: Problem, lo: number, hi: number): Verdict => {
  const symbols = freeSymbols(problem.input)
  const bindings = problem.bindings ?? []
  const names = bindings.map(([n]) => n)
  if (new Set(names).size !== names.length) return "a symbol is bound twice"
  for (const s of symbols) if (!names.includes(s)) return `symbol ${s} has no binding`
  for (const [n, v] of bindings) {
    if (!symbols.includes(n)) return `binding ${n} is for a symbol that does not occur`
    if (!Number.isInteger(v) || v < lo || v > hi) return `binding ${n} = ${v} is not an integer in [${lo}, ${hi}]`
  }
  return undefined
}

export const noBindings = (problem: Problem): Verdict =>
  (problem.bindings ?? []).length === 0 ? undefined : "this level takes no bindings"
