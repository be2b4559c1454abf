/**
 * `grapheme ged A B` — the graph edit distance between two expressions (SPEC §6, the
 * `GED=` of training logs) and how it was obtained: `2.5 (exact)`, or `(bound)` when a
 * graph is above `--exact-limit` nodes or the exact search ran out of budget (then the
 * distance is the cost of the best edit path found, an upper bound).
 * Batch line: `A\tB`, printed as `DISTANCE\tMETHOD` (exact|bound).
 *
 * Costs: the seed's `[loss]` defaults (node 1/1, edge 0.5/0.5), overridden by
 * `--costs NI,ND,EI,ED`, then by `--node-ins`, `--node-del`, `--edge-ins`, `--edge-del`.
 * The distance comes from the Loss service's metric (GedLoss, provided here).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect, Either, Option } from "effect"
import type { GedCosts } from "../domain/ged/index.js"
import { defaultGedCosts } from "../domain/ged/index.js"
import { toGraph } from "../domain/Graph.js"
import { parse } from "../domain/Polish.js"
import { GedLoss } from "../layers/loss/GedLoss.js"
import { Loss } from "../services/Loss.js"
import { runExpressions } from "./batch.js"
import { InputError, UsageError } from "./errors.js"
import { fileOption } from "./options.js"

const firstArg = Args.text({ name: "a" }).pipe(
  Args.withDescription("The first expression (Polish), e.g. \"(+ 1 2)\". Leave A and B out to read TAB-separated pairs from --file or piped standard input."),
  Args.optional
)
const secondArg = Args.text({ name: "b" }).pipe(Args.withDescription("The second expression."), Args.optional)

const exactLimitOption = Options.integer("exact-limit").pipe(
  Options.withPseudoName("N"),
  Options.withDescription("Exact search when both graphs have at most N nodes (default 10); above it, an upper bound."),
  Options.optional
)
const costsOption = Options.text("costs").pipe(
  Options.withPseudoName("NI,ND,EI,ED"),
  Options.withDescription("Node insertion, node deletion, edge insertion, edge deletion costs (default 1,1,0.5,0.5, the [loss] defaults)."),
  Options.optional
)
const costOption = (name: string, what: string) =>
  Options.float(name).pipe(Options.withPseudoName("X"), Options.withDescription(`${what} cost (overrides --costs).`), Options.optional)

/** The distance as the shortest text of its value to 12 significant digits (no 0.30000000000000004). */
export const formatDistance = (d: number): string => String(Number(d.toPrecision(12)))

const checked = (name: string, x: number): Effect.Effect<number, UsageError> =>
  Number.isFinite(x) && x >= 0
    ? Effect.succeed(x)
    : Effect.fail(new UsageError({ message: `${name} must be a finite number ≥ 0, got ${x}` }))

/** --costs, then the single-cost flags, over the defaults. */
export const resolveCosts = (
  costs: Option.Option<string>,
  single: { readonly nodeIns: Option.Option<number>; readonly nodeDel: Option.Option<number>; readonly edgeIns: Option.Option<number>; readonly edgeDel: Option.Option<number> }
): Effect.Effect<GedCosts, UsageError> =>
  Effect.gen(function* () {
    let base: GedCosts = defaultGedCosts
    if (Option.isSome(costs)) {
      const parts = costs.value.split(",").map((s) => s.trim())
      const numbers = parts.map(Number)
      if (parts.length !== 4 || parts.some((p) => p === "") || numbers.some((x) => Number.isNaN(x)))
        return yield* new UsageError({ message: `--costs expects four numbers NI,ND,EI,ED (e.g. 1,1,0.5,0.5), got "${costs.value}"` })
      const [ni, nd, ei, ed] = numbers as [number, number, number, number]
      base = {
        nodeInsertion: yield* checked("--costs node insertion", ni),
        nodeDeletion: yield* checked("--costs node deletion", nd),
        edgeInsertion: yield* checked("--costs edge insertion", ei),
        edgeDeletion: yield* checked("--costs edge deletion", ed)
      }
    }
    const pick = (flag: string, o: Option.Option<number>, fallback: number) =>
      Option.isSome(o) ? checked(flag, o.value) : Effect.succeed(fallback)
    return {
      nodeInsertion: yield* pick("--node-ins", single.nodeIns, base.nodeInsertion),
      nodeDeletion: yield* pick("--node-del", single.nodeDel, base.nodeDeletion),
      edgeInsertion: yield* pick("--edge-ins", single.edgeIns, base.edgeInsertion),
      edgeDeletion: yield* pick("--edge-del", single.edgeDel, base.edgeDeletion)
    }
  })

const graphOf = (which: string, text: string) =>
  Either.match(parse(text), {
    onLeft: (e) => Effect.fail(new InputError({ message: `${which} expression: ${e.message}`, cause: e })),
    onRight: (expr) => Effect.succeed(toGraph(expr))
  })

export const gedCommand = Command.make(
  "ged",
  {
    a: firstArg,
    b: secondArg,
    exactLimit: exactLimitOption,
    costs: costsOption,
    nodeIns: costOption("node-ins", "Node insertion"),
    nodeDel: costOption("node-del", "Node deletion"),
    edgeIns: costOption("edge-ins", "Edge insertion"),
    edgeDel: costOption("edge-del", "Edge deletion"),
    file: fileOption
  },
  (c) =>
    Effect.gen(function* () {
      const loss = yield* Loss
      const costs = yield* resolveCosts(c.costs, c)
      if (Option.isSome(c.exactLimit) && c.exactLimit.value < 0)
        return yield* new UsageError({ message: `--exact-limit must be ≥ 0, got ${c.exactLimit.value}` })
      const options = Option.isSome(c.exactLimit) ? { exactLimit: c.exactLimit.value } : {}
      const single = Option.isSome(c.a)
      if (single && Option.isNone(c.b) && Option.isNone(c.file))
        return yield* new UsageError({ message: "give two expressions: grapheme ged A B" })
      return yield* runExpressions({ expr: c.a, rest: [c.b], file: c.file }, (text, fields) =>
        Effect.gen(function* () {
          const other = fields[0]
          if (other === undefined || fields.slice(1).some((f) => f !== undefined))
            return yield* new InputError({ message: "expected two expressions separated by a TAB" })
          const r = loss.metric(yield* graphOf("first", text), yield* graphOf("second", other), costs, options)
          return single ? `${formatDistance(r.distance)} (${r.method})` : `${formatDistance(r.distance)}\t${r.method}`
        })
      )
    })
).pipe(
  Command.withDescription(
    "Graph edit distance between two expressions under the [loss] costs, and whether it is exact or an upper bound. " +
      "Batch mode: TAB-separated pairs, one \"DISTANCE<TAB>exact|bound\" per line."
  ),
  Command.provide(GedLoss)
)
