/**
 * Patterns over pattern variables (Ruler-style rules, Nandi et al. 2021): an expression
 * whose symbols named `?0`, `?1`, … stand for any subtree. Matching, instantiation, the
 * abstraction of a node of an answer into a pattern, and a number-only encoding for
 * checkpoints. Nothing here knows what a head means: heads are vocabulary rows (data).
 */
import { print } from "../../../domain/Polish.js"
import type { Expr } from "../../../domain/Expr.js"
import { equals, rational } from "../../../domain/Expr.js"
import { arityOf, headRowOrNone, heads, nodeOf } from "../vocabulary.js"

export type Pattern = Expr
export type Node = Extract<Expr, { _tag: "Op" | "Fn" }>

export const isNode = (e: Expr): e is Node => e._tag === "Op" || e._tag === "Fn"
export const isNumberLeaf = (e: Expr): boolean => e._tag === "Integer" || e._tag === "Rational" || e._tag === "Float"
export const variable = (i: number): Expr => ({ _tag: "Symbol", name: `?${i}` })
export const isVariable = (e: Expr): boolean => e._tag === "Symbol" && e.name.startsWith("?")
/** A node's head as a key (its name in the grammar): compared, never interpreted. */
export const headKey = (e: Node): string => (e._tag === "Op" ? e.op : e.fn)
export const withArgs = (e: Node, args: ReadonlyArray<Expr>): Expr =>
  e._tag === "Op" ? { _tag: "Op", op: e.op, args } : { _tag: "Fn", fn: e.fn, args }

/** Numbers kept literally in patterns (others become variables): the small constants. */
export const LITERALS: ReadonlyArray<Expr> = [0n, 1n, -1n, 2n].map((v) => rational(v, 1n))
const isLiteral = (e: Expr): boolean => e._tag === "Integer" && e.value >= -1n && e.value <= 2n

/** Matches p against e, extending `binding`; false when it does not match. */
export const match = (p: Pattern, e: Expr, binding: Map<string, Expr>): boolean => {
  if (p._tag === "Symbol" && p.name.startsWith("?")) {
    const bound = binding.get(p.name)
    if (bound !== undefined) return equals(bound, e)
    binding.set(p.name, e)
    return true
  }
  if (isNode(p)) {
    if (!isNode(e) || headKey(p) !== headKey(e) || p._tag !== e._tag || p.args.length !== e.args.length) return false
    for (let i = 0; i < p.args.length; i++) if (!match(p.args[i] as Expr, e.args[i] as Expr, binding)) return false
    return true
  }
  return equals(p, e)
}

export const instantiate = (p: Pattern, binding: ReadonlyMap<string, Expr>): Expr => {
  if (p._tag === "Symbol") return binding.get(p.name) ?? p
  return isNode(p) ? withArgs(p, p.args.map((a) => instantiate(a, binding))) : p
}

export const variablesOf = (p: Pattern, into: Set<string> = new Set()): Set<string> => {
  if (isVariable(p)) into.add((p as { name: string }).name)
  else if (isNode(p)) for (const a of p.args) variablesOf(a, into)
  return into
}

/**
 * The pattern of a node down to `depth` levels: deeper subtrees, symbols and numbers other
 * than the small literals become variables, equal subtrees the same variable. Undefined
 * when it needs more than `maxVariables` variables.
 */
export const abstractNode = (e: Expr, depth: number, maxVariables = 3): Pattern | undefined => {
  const seen: Array<Expr> = []
  const go = (x: Expr, d: number): Expr | undefined => {
    if (isLiteral(x)) return x
    if (d > 0 && isNode(x) && x.args.length <= 2) {
      const args: Array<Expr> = []
      for (const a of x.args) {
        const p = go(a, d - 1)
        if (p === undefined) return undefined
        args.push(p)
      }
      return withArgs(x, args)
    }
    let i = seen.findIndex((s) => equals(s, x))
    if (i < 0) {
      if (seen.length >= maxVariables) return undefined
      i = seen.push(x) - 1
    }
    return variable(i)
  }
  return go(e, depth)
}

/** A canonical text of a pattern, for keys and logs: its Polish (a float stays apart from the integer it equals). */
export const key = (e: Expr): string => print(e)

// ---- checkpoints: patterns as numbers ----------------------------------------------

/** Prefix code: [0, n, d] a number n/d, [1, i] the variable ?i, [2, row] a head (its arity from the row). */
export const encodePattern = (p: Pattern, out: Array<number> = []): Array<number> => {
  if (p._tag === "Integer") out.push(0, Number(p.value), 1)
  else if (p._tag === "Rational") out.push(0, Number(p.num), Number(p.den))
  else if (p._tag === "Float") out.push(0, p.value, 1)
  else if (p._tag === "Symbol") out.push(1, Number(p.name.slice(1)))
  else {
    out.push(2, headRowOrNone(p, p.args.length))
    for (const a of p.args) encodePattern(a, out)
  }
  return out
}

/** The inverse of encodePattern from `at`: the pattern and the next position, undefined if malformed. */
export const decodePattern = (flat: ReadonlyArray<number>, at: number): readonly [Pattern, number] | undefined => {
  const tag = flat[at]
  if (tag === 0) {
    const n = flat[at + 1]
    const d = flat[at + 2]
    if (!Number.isInteger(n) || !Number.isInteger(d) || d === 0) return undefined
    return [rational(BigInt(n as number), BigInt(d as number)), at + 3]
  }
  if (tag === 1) {
    const i = flat[at + 1]
    return Number.isInteger(i) && (i as number) >= 0 ? [variable(i as number), at + 2] : undefined
  }
  if (tag !== 2) return undefined
  const row = flat[at + 1] as number
  if (!Number.isInteger(row) || heads[row] === undefined) return undefined
  const arity = arityOf(row)
  const args: Array<Expr> = []
  let i = at + 2
  for (let k = 0; k < arity; k++) {
    const r = decodePattern(flat, i)
    if (r === undefined) return undefined
    args.push(r[0])
    i = r[1]
  }
  return [nodeOf(row, args), i]
}
