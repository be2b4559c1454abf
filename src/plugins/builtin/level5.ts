/**
 * Level 5 — differentiation: `(derive f x)` with f of height ≤ 4 over x and integers
 * in [1, 9], operators + − × ÷ ^ (exponents integers in [2, 5]) and sin cos exp ln,
 * f containing x → the simplified derivative (an expression).
 *
 * No bindings: x is the variable of differentiation, bound by `derive`; the answer is
 * an expression in x.
 */
import type { Expr, UnaryFunction } from "../../domain/Expr.js"
import { contains, fn, int, op, sym } from "../../domain/Expr.js"
import { evalFloat } from "../../domain/FloatEval.js"
import type { Rng } from "../../domain/Random.js"
import type { CurriculumLevel, Problem, Verdict } from "../../services/CurriculumLevel.js"
import type { BinaryOp } from "./trees.js"
import { checkPoints } from "../answer.js"
import { checkShape, exponentRule, leafRule, noBindings, weighted } from "./trees.js"

const X = sym("x")
const OPS: ReadonlyArray<BinaryOp> = ["+", "-", "*", "/", "^"]
const OP_WEIGHTS = [0.22, 0.18, 0.25, 0.15, 0.2]
const FUNCTIONS: ReadonlyArray<UnaryFunction> = ["sin", "cos", "exp", "ln"]

/**
 * A tree of height up to d over x and integers in [1, 9]. A subtree without x is
 * replaced by an integer leaf, so that no constant like (exp (^ 8 5)) is left to fold.
 */
export const calculusTree = (rng: Rng, d: number): Expr => {
  if (d <= 0) return rng.bool(0.65) ? X : int(rng.int(1, 9))
  let e: Expr
  if (rng.bool(0.3)) e = fn(rng.pick(FUNCTIONS), calculusTree(rng, d - 1))
  else {
    const o = OPS[weighted(rng, OP_WEIGHTS)] as BinaryOp
    if (o === "^") e = op("^", calculusTree(rng, d - 1), int(rng.int(2, 5)))
    else {
      const deepLeft = rng.bool()
      const shallow = rng.int(0, d - 1)
      e = op(o, calculusTree(rng, deepLeft ? d - 1 : shallow), calculusTree(rng, deepLeft ? shallow : d - 1))
    }
  }
  return contains(e, "x") ? e : int(rng.int(1, 9))
}

/** Defined (no overflow on the way), and not huge, at 4 or more of the derivative check points. */
const definedEnough = (f: Expr): boolean => {
  let ok = 0
  for (const x of checkPoints) {
    const v = evalFloat(f, { x }, { strict: true })
    if (!Number.isNaN(v) && Math.abs(v) < 1e8 && ++ok >= 4) return true
  }
  return false
}

const conformsDerive = (p: Problem): Verdict => {
  const e = p.input
  if (e._tag !== "Fn" || e.fn !== "derive" || e.args.length !== 2) return "the input is not (derive f x)"
  const [f, v] = e.args as [Expr, Expr]
  if (v._tag !== "Symbol" || v.name !== "x") return "the variable is not x"
  if (!contains(f, "x")) return "f does not contain x"
  return (
    checkShape(f, {
      ops: ["+", "-", "*", "/", "^"],
      fns: FUNCTIONS,
      depth: [0, 4],
      leaf: leafRule(1, 9, ["x"]),
      exponent: exponentRule(1, 9)
    }) ?? noBindings(p)
  )
}

export const level5: CurriculumLevel = {
  level: 5,
  name: "differentiation",
  skill: "(derive f x), f of depth <= 4 over x and integers in [1, 9] with + - * / ^ sin cos exp ln",
  samples: 100_000,
  output: "expression",
  module: import.meta.url,
  generate: (rng) => {
    for (;;) {
      const f = calculusTree(rng, 1 + weighted(rng, [0.02, 0.1, 0.38, 0.5]))
      if (contains(f, "x") && definedEnough(f)) return { input: fn("derive", f, X) }
    }
  },
  conforms: conformsDerive
}

export default level5
