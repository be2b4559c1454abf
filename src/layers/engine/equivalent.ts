/**
 * Equivalence of two expressions (SPEC §6), the Engine's verdict on an expression answer:
 *
 * 1. canonical equality: simplify(a) and simplify(b) are structurally equal; else
 * 2. numerical agreement: at random points for the free symbols of both, drawn from a
 *    spread of magnitudes (uniform in [−3, 3] or in [0.1, 10], per symbol), the values
 *    agree within |a − b| ≤ 1e-3·max(1, |b|) (b is the reference). Points where either
 *    side is undefined are skipped and redrawn, up to a budget; one disagreement is
 *    enough for "not equivalent", and fewer than MIN_POINTS defined points is "not
 *    equivalent" too (nothing was shown).
 *
 * Deterministic: the points come from a seeded Rng (src/domain/Random.ts).
 */
import type { Expr } from "../../domain/Expr.js"
import { equals, freeSymbols } from "../../domain/Expr.js"
import { Rng } from "../../domain/Random.js"
import { EngineError } from "../../services/Engine.js"
import { evalFloat } from "../../domain/FloatEval.js"
import { simplify } from "./simplify.js"

/** Points that must agree (SPEC §6: at least 8). */
export const MIN_POINTS = 8
/** Points tried when all are defined: more than the minimum, for margin. */
export const TARGET_POINTS = 16
/** Draws before giving up on finding defined points. */
export const MAX_DRAWS = 400
export const DEFAULT_SEED = 0x5eed_6e0

/** Within the accuracy tolerance of SPEC §6: |x − y| ≤ 1e-3·max(1, |y|). */
export const withinTolerance = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-3 * Math.max(1, Math.abs(y))

const canonical = (e: Expr): Expr | undefined => {
  try {
    return simplify(e)
  } catch (err) {
    if (err instanceof EngineError) return undefined
    throw err
  }
}

/** Whether `a` (a candidate) is equivalent to `b` (the reference). Never throws on undefined values. */
export const equivalent = (a: Expr, b: Expr, rngSeed: number = DEFAULT_SEED): boolean => {
  if (equals(a, b)) return true
  const ca = canonical(a)
  const cb = canonical(b)
  if (ca !== undefined && cb !== undefined && equals(ca, cb)) return true
  const symbols = [...new Set([...freeSymbols(a), ...freeSymbols(b)])].sort()
  const rng = Rng.seeded(rngSeed)
  const env: Record<string, number> = {}
  // A constant expression has one value: one defined point decides.
  const target = symbols.length === 0 ? 1 : TARGET_POINTS
  const minimum = symbols.length === 0 ? 1 : MIN_POINTS
  let agreed = 0
  for (let draw = 0; draw < MAX_DRAWS && agreed < target; draw++) {
    for (const s of symbols) env[s] = rng.bool() ? rng.uniform(-3, 3) : rng.uniform(0.1, 10)
    const x = evalFloat(a, env)
    const y = evalFloat(b, env)
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (symbols.length === 0) return false
      continue
    }
    if (!withinTolerance(x, y)) return false
    agreed++
  }
  return agreed >= minimum
}
