import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import fc from "fast-check"
import { equals } from "../../src/domain/Expr.js"
import { ExprFromJson, fromJson, toJson } from "../../src/domain/ExprJson.js"
import { fromGraph, toGraph } from "../../src/domain/Graph.js"
import { parse, print } from "../../src/domain/Polish.js"
import { anyExpr, realExpr } from "../support/arbitraries.js"
import { floatEval } from "../support/floatEval.js"

describe("Graph form", () => {
  it("expr → graph → expr is lossless", () => {
    fc.assert(fc.property(anyExpr, (e) => {
      expect(equals(fromGraph(toGraph(e)), e)).toBe(true)
    }), { numRuns: 500 })
  })

  it("numbers nodes in pre-order with argument positions on the edges", () => {
    const g = toGraph(Either.getOrThrow(parse("(- 12 1)")))
    expect(g.nodes.map((n) => n.kind)).toEqual(["Operator", "Integer", "Integer"])
    expect(g.edges).toEqual([
      { from: 0, to: 1, position: 0 },
      { from: 0, to: 2, position: 1 }
    ])
  })

  it("refuses graphs that are not trees", () => {
    const g = toGraph(Either.getOrThrow(parse("(+ 1 2)")))
    expect(() => fromGraph({ nodes: g.nodes, edges: [...g.edges, { from: 1, to: 2, position: 0 }] })).toThrow(/two parents/)
    expect(() => fromGraph({ nodes: g.nodes, edges: g.edges.slice(0, 1) })).toThrow(/unreachable/)
  })
})

describe("JSON form (the original engine's serde form)", () => {
  it("matches the original's encoding", () => {
    const e = Either.getOrThrow(parse("(+ 16 9)"))
    expect(toJson(e)).toEqual({ BinOp: { op: "Add", left: { Value: { Integer: 16 } }, right: { Value: { Integer: 9 } } } })
    expect(toJson(Either.getOrThrow(parse("(- x)")))).toEqual({ UnaryOp: { op: "Neg", operand: { Value: { Symbol: "x" } } } })
    expect(toJson(Either.getOrThrow(parse("(sin 1/3)")))).toEqual({ Function: { func: "Sin", args: [{ Value: { Rational: [1, 3] } }] } })
    expect(toJson(Either.getOrThrow(parse("(= x 2.5)")))).toEqual({
      Function: { func: "Equals", args: [{ Value: { Symbol: "x" } }, { Value: { Float: 2.5 } }] }
    })
  })

  it("folds n-ary operators the way they evaluate, and JSON round-trips exactly", () => {
    fc.assert(
      fc.property(anyExpr, (e) => {
        const j = toJson(e)
        expect(toJson(fromJson(j))).toEqual(j)
        const decoded = Schema.decodeUnknownEither(ExprFromJson)(JSON.parse(JSON.stringify(j)))
        expect(Either.isRight(decoded) && equals(decoded.right, fromJson(j))).toBe(true)
      }),
      { numRuns: 300 }
    )
    fc.assert(
      fc.property(realExpr(["x"]), fc.double({ min: -3, max: 3, noNaN: true }), (e, x) => {
        const a = floatEval(e, { x })
        const b = floatEval(fromJson(toJson(e)), { x })
        expect(Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a))).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("keeps integers beyond 2^53 exact", () => {
    const e = Either.getOrThrow(parse("18446744073709551616"))
    const text = JSON.stringify(toJson(e))
    expect(text).toBe('{"Value":{"Integer":"18446744073709551616"}}')
    expect(print(fromJson(JSON.parse(text)))).toBe("18446744073709551616")
  })

  it("rejects a malformed JSON expression with the path of the problem", () => {
    const r = Schema.decodeUnknownEither(ExprFromJson)({ BinOp: { op: "Plus", left: { Value: { Integer: 1 } } } })
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) expect(String(r.left)).toContain("BinOp")
  })
})
