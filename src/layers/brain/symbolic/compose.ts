/**
 * Composition is recursion: a problem the brain answers that sits inside another input —
 * `(derive (derive f x) x)`, `(integrate (derive f x) x a b)`, a derivative along y of a
 * derivative along x — is answered first, by the brain itself, and its answer takes its
 * place; the outer problem is then answered over the brain's own intermediate answer.
 * Which subtrees are such problems is what the brain has learned to answer (a root head
 * with an emitter), not a list of heads.
 */
import type { Expr } from "../../../domain/Expr.js"
import { print } from "../../../domain/Polish.js"
import type { BrainInput } from "../featurize.js"

/**
 * The brain's answer to a subproblem: undefined when it is not a problem the brain
 * answers by an emitter (it stays as it is), `{ expr: undefined, reason }` when it is one
 * but the brain has no answer (then neither has the whole input).
 */
export type SubproblemAnswer = (input: BrainInput) => { readonly expr: Expr | undefined; readonly reason?: string | undefined } | undefined

/**
 * The input with every proper subtree that is an answered problem replaced by its
 * answer, innermost first; `{ reason }` when some such subtree has no answer.
 */
export const answerInnerProblems = (input: BrainInput, answer: SubproblemAnswer): BrainInput | { readonly reason: string } => {
  let failure: string | undefined
  const rebuild = (e: Expr, root: boolean): Expr | undefined => {
    if (e._tag !== "Op" && e._tag !== "Fn") return e
    let changed = false
    const args = new Array<Expr>(e.args.length)
    for (let i = 0; i < e.args.length; i++) {
      const a = rebuild(e.args[i] as Expr, false)
      if (a === undefined) return undefined
      if (a !== e.args[i]) changed = true
      args[i] = a
    }
    const node: Expr = !changed ? e : e._tag === "Op" ? { _tag: "Op", op: e.op, args } : { _tag: "Fn", fn: e.fn, args }
    if (root) return node
    const answered = answer({ expr: node, bindings: input.bindings })
    if (answered === undefined) return node
    if (answered.expr === undefined) failure = `the inner ${print(node).slice(0, 80)} has no answer${answered.reason === undefined ? "" : `: ${answered.reason}`}`
    return answered.expr
  }
  const expr = rebuild(input.expr, true)
  if (expr === undefined) return { reason: failure ?? "an inner problem has no answer" }
  return expr === input.expr ? input : { expr, bindings: input.bindings }
}
