/**
 * Per-node targets for teacher forcing: the Engine's value of every operator subtree
 * of an input, keyed by its printed Polish (n-ary nodes folded as the brain folds
 * them). Part of data preparation, like the answers themselves; the brain's forward
 * pass never calls this.
 */
import type { Expr } from "../../domain/Expr.js"
import { print } from "../../domain/Polish.js"
import { nestsRight } from "../../domain/Grammar.js"
import { evaluate } from "../engine/evaluate.js"
import { numberOfAnswer } from "../grading.js"
import type { SubtreeValues } from "./featurize.js"

const foldedSubtrees = (e: Expr, out: Array<Expr>): void => {
  if (e._tag !== "Op" && e._tag !== "Fn") return
  for (const a of e.args) foldedSubtrees(a, out)
  if (e.args.length <= 2) {
    out.push(e)
    return
  }
  const wrap = (l: Expr, r: Expr): Expr =>
    e._tag === "Op" ? { _tag: "Op", op: e.op, args: [l, r] } : { _tag: "Fn", fn: e.fn, args: [l, r] }
  if (nestsRight(e)) {
    let acc = e.args[e.args.length - 1] as Expr
    for (let i = e.args.length - 2; i >= 1; i--) out.push((acc = wrap(e.args[i] as Expr, acc)))
  } else {
    let acc = e.args[0] as Expr
    for (let i = 1; i < e.args.length - 1; i++) out.push((acc = wrap(acc, e.args[i] as Expr)))
  }
  out.push(e)
}

/** The value of every operator subtree that evaluates to a number (others are left out). */
export const subtreeValues = (expr: Expr, bindings: ReadonlyArray<readonly [string, number]>): SubtreeValues => {
  const subtrees: Array<Expr> = []
  foldedSubtrees(expr, subtrees)
  const out = new Map<string, number>()
  for (const sub of subtrees) {
    try {
      const v = numberOfAnswer(evaluate(sub, bindings))
      if (v !== undefined && Number.isFinite(v)) out.set(print(sub), v)
    } catch {
      // A subtree the Engine cannot evaluate carries no target.
    }
  }
  return out
}
