/**
 * Control 4 of the honesty line: function names permuted consistently in all data
 * (sin↔cos, exp↔ln: training and test inputs, per-node targets, expected answers) leave
 * what the brain learns unchanged. A brain that wrote `cos` for the tangent of `sin` in its
 * own code would answer the permuted data wrongly at levels 5 and 6; one that builds its
 * answers from the heads it learned answers them as well as the unpermuted data.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { Expr } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { isCorrect } from "../../src/layers/grading.js"
import { builtinLevels } from "../../src/plugins/index.js"
import type { BrainModel, BrainTarget } from "../../src/services/Brain.js"
import { drawLevel, trainLevels, type LabelledExample } from "./support.js"

/** The permutation of function names: an involution, so it maps answers back too. */
const SWAP: ReadonlyMap<string, string> = new Map([
  ["sin", "cos"],
  ["cos", "sin"],
  ["exp", "ln"],
  ["ln", "exp"]
])

const permute = (e: Expr): Expr =>
  e._tag === "Fn"
    ? { _tag: "Fn", fn: (SWAP.get(e.fn) ?? e.fn) as typeof e.fn, args: e.args.map(permute) }
    : e._tag === "Op"
      ? { _tag: "Op", op: e.op, args: e.args.map(permute) }
      : e

const permuteKey = (key: string): string => print(permute(Either.getOrThrow(parse(key))))

/** An example with every function name permuted: input, target, per-node targets (the expected answer for grading stays the true one). */
const permuteExample = (e: LabelledExample): LabelledExample => ({
  ...e,
  input: { ...e.input, expr: permute(e.input.expr) },
  target: (e.target._tag === "Expression" ? { _tag: "Expression", expr: permute(e.target.expr) } : e.target) as BrainTarget,
  ...(e.subtreeValues === undefined ? {} : { subtreeValues: new Map([...e.subtreeValues].map(([k, v]) => [permuteKey(k), v])) }),
  ...(e.subtreeAffine === undefined ? {} : { subtreeAffine: new Map([...e.subtreeAffine].map(([k, v]) => [permuteKey(k), v])) })
})

const LEVELS = builtinLevels.filter((l) => l.level <= 6)
const GRADED = [4, 5, 6]

const held = new Map(GRADED.map((n) => [n, drawLevel(LEVELS.find((l) => l.level === n)!, 400, 9)]))

/** Share of held-out examples answered right: inputs mapped by `map`, answers mapped back by it, graded against the true answers. */
const accuracy = (m: BrainModel, level: number, map: (e: Expr) => Expr): number => {
  const cases = held.get(level) ?? []
  const answers = m.predict(cases.map((c) => ({ ...c.input, expr: map(c.input.expr) })))
  return cases.filter((c, i) => {
    const a = answers[i]
    return isCorrect(a === undefined ? undefined : map(a), c.expected)
  }).length / cases.length
}

let plain: Record<number, number> = {}
let permuted: Record<number, number> = {}

beforeAll(async () => {
  const a = await trainLevels(LEVELS)
  plain = Object.fromEntries(GRADED.map((n) => [n, accuracy(a, n, (e) => e)]))
  const b = await trainLevels(LEVELS, (examples) => examples.map(permuteExample))
  permuted = Object.fromEntries(GRADED.map((n) => [n, accuracy(b, n, permute)]))
}, 900_000)

describe("function names permuted consistently in all data (sin↔cos, exp↔ln)", () => {
  it.each(GRADED)("level %i: accuracy within one point of the unpermuted run", (level) => {
    expect(plain[level]).toBeGreaterThanOrEqual(0.9)
    expect(Math.abs((permuted[level] as number) - (plain[level] as number))).toBeLessThanOrEqual(0.01)
  })
})
