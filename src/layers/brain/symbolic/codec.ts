/** Learned head rules in a checkpoint's brain state: numbers only. */
import { Either } from "effect"
import { BrainError, type BrainState } from "../../../services/Brain.js"
import { heads } from "../vocabulary.js"
import { decodeRule, encodeRule, type RuleTerm } from "./factors.js"
import { decodeWriter, encodeWriter, type Writer } from "./writer.js"

/** Rules as [writer × 4, lead × 2, (head, rule) …]; a head with several rules (tried in turn) has one entry per rule, in order. */
export const encodeRules = (writer: Writer, lead: readonly [number, number], rules: ReadonlyMap<number, ReadonlyArray<RuleTerm>>): Array<number> =>
  encodeRuleLists(writer, lead, new Map([...rules].map(([h, terms]) => [h, [terms]])))

export const encodeRuleLists = (writer: Writer, lead: readonly [number, number], rules: ReadonlyMap<number, ReadonlyArray<ReadonlyArray<RuleTerm>>>): Array<number> => [
  ...encodeWriter(writer),
  ...lead,
  ...[...rules].flatMap(([h, list]) => list.flatMap((terms) => [h, ...encodeRule(terms)]))
]

/** The key each kind of rules was saved under before rules were built from the vocabulary. */
const FORMER_KEYS: Readonly<Record<string, string>> = { tangentTerms: "tangentRules", antiTerms: "antiRules" }

/**
 * Rules saved under `key` (encodeRules): undefined when none were saved, a BadState error
 * when they do not decode.
 */
export const savedRules = (
  state: BrainState,
  key: string
): Either.Either<
  | {
      readonly writer: Writer
      readonly lead: readonly [number, number]
      /** Each head's first rule. */
      readonly heads: Map<number, ReadonlyArray<RuleTerm>>
      /** Each head's rules, in order. */
      readonly lists: Map<number, ReadonlyArray<ReadonlyArray<RuleTerm>>>
    }
  | undefined,
  BrainError
> => {
  const flat = state[key] ?? []
  const older = FORMER_KEYS[key]
  if (older !== undefined && (state[older] ?? []).length > 0)
    return Either.left(new BrainError({ reason: "BadState", message: `${older} holds rules in a format this version does not read (rules over fixed factors): train the model again` }))
  if (flat.length === 0) return Either.right(undefined)
  const bad = Either.left(new BrainError({ reason: "BadState", message: `${key} is malformed` }))
  const writer = decodeWriter(flat.slice(0, 4))
  if (writer === undefined || flat.length < 6) return bad
  const decoded = new Map<number, Array<ReadonlyArray<RuleTerm>>>()
  let i = 6
  while (i < flat.length) {
    const h = flat[i] as number
    const rule = Number.isInteger(h) && h >= 0 && h < heads.length ? decodeRule(flat, i + 1) : undefined
    if (rule === undefined) return bad
    decoded.set(h, [...(decoded.get(h) ?? []), rule.terms])
    i = rule.end
  }
  const first = new Map([...decoded].map(([h, list]) => [h, list[0] as ReadonlyArray<RuleTerm>]))
  return Either.right({ writer, lead: [flat[4] as number, flat[5] as number], heads: first, lists: decoded })
}
