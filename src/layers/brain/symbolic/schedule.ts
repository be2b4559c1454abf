/**
 * When the symbolic heads search (shared by ./SymbolicHeads.ts and ./DefiniteHeads.ts):
 * at most once per slot of a schedule, and only while a head of the step's trees has no
 * rule or a root head has no emitter. The roots' emitters are chosen again whenever the
 * rules they build on grew.
 */
import { Either } from "effect"
import type { Expr } from "../../../domain/Expr.js"
import { BrainError, type BrainState } from "../../../services/Brain.js"
import { headRowsOf } from "../featurize.js"
import type { Evaluator } from "./learn.js"

/** How many times per schedule missing rules are searched for again. */
export const SEARCH_SLOTS = 50

/** The brain's evaluator, and which heads it has a locked value unit for (trees it trusts). */
export interface TrustedEvaluator {
  readonly evaluate: Evaluator
  readonly isLocked: (head: number) => boolean
}

/** Whether the evaluator has a locked unit for every head of f (rules are learned only from such trees). */
export const trusts = (evaluator: TrustedEvaluator, f: Expr): boolean => [...headRowsOf(f)].every(evaluator.isLocked)

export interface SearchState {
  readonly hasRule: (head: number) => boolean
  /** The emitter chosen per root head row (−1: none yet); updated in place. */
  readonly emitter: Int32Array
  /** The last slot searched in; returned updated. */
  readonly slot: number
  /**
   * Whether the step's examples show that rules the heads have do not hold everywhere
   * (checked once per slot when no rule is missing): then `learn` is called with no
   * missing head, to learn further rules.
   */
  readonly stale?: (examples: ReadonlyArray<{ readonly p: { readonly root: number; readonly f: Expr } }>) => boolean
}

/**
 * One step's search: `learn` gets the heads without a rule, `scores` each emitter's score
 * on one root's examples (the best positive one is chosen). Returns the slot now current.
 */
export const searchStep = <E extends { readonly p: { readonly root: number; readonly f: Expr } }>(
  examples: ReadonlyArray<E>,
  fraction: number,
  state: SearchState,
  learn: (missing: ReadonlySet<number>, slot: number) => void,
  scores: (mine: ReadonlyArray<E>) => ReadonlyArray<number>
): number => {
  if (examples.length === 0) return state.slot
  const missingHeads = new Set<number>()
  for (const { p } of examples) for (const h of headRowsOf(p.f)) if (!state.hasRule(h)) missingHeads.add(h)
  const roots = new Set(examples.map(({ p }) => p.root))
  const missingRoots = [...roots].filter((r) => (state.emitter[r] as number) < 0)
  const now = Math.floor(fraction * SEARCH_SLOTS)
  if (missingHeads.size === 0 && missingRoots.length === 0) {
    if (state.stale === undefined || now === state.slot) return state.slot
    if (!state.stale(examples)) return now
  } else if (now === state.slot) return state.slot
  const relearn = missingHeads.size > 0 || missingRoots.length === 0
  if (relearn) learn(missingHeads, now)
  for (const root of relearn ? roots : missingRoots) {
    const s = scores(examples.filter(({ p }) => p.root === root))
    const best = s.indexOf(Math.max(...s))
    if ((s[best] as number) > 0) state.emitter[root] = best
  }
  return now
}

/**
 * A checkpoint's root emitters (saved under `emitterKey`; none saved = none chosen yet),
 * set into `emitter`, and its search slot (under `slotKey`); a BadState error when the
 * emitters do not fit.
 */
export const restoreSearch = (state: BrainState, emitterKey: string, slotKey: string, emitter: Int32Array): Either.Either<number, BrainError> => {
  const saved = state[emitterKey] ?? new Array<number>(emitter.length).fill(-1)
  if (saved.length !== emitter.length) return Either.left(new BrainError({ reason: "BadState", message: `${emitterKey} has the wrong length` }))
  emitter.set(saved)
  return Either.right(state[slotKey]?.[0] ?? -1)
}
