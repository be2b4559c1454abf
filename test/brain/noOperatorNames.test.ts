/**
 * The honesty line on the output side too: no operator or function name is written in the
 * brain's code. Heads are data (the grammar's list, ../../src/domain/Grammar.ts); what the
 * brain emits is built from the heads it learned, so a string literal naming a head in
 * src/layers/brain/ would be an operator-to-operation mapping.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { functions, operators } from "../../src/domain/Expr.js"

const names: ReadonlySet<string> = new Set<string>([...operators, ...functions])

const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((f) => {
    const path = join(dir, f)
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : []
  })

/** Every string literal's text in a source (template literal pieces included). */
export const stringLiterals = (source: string): Array<string> => {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source)
  const out: Array<string> = []
  // Brace depths at which a template literal's substitution closes.
  const templates: Array<number> = []
  let depth = 0
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken) depth++
    else if (kind === ts.SyntaxKind.CloseBraceToken) {
      if (templates.at(-1) === depth) {
        kind = scanner.reScanTemplateToken(false)
        if (kind === ts.SyntaxKind.TemplateTail) templates.pop()
      } else depth--
    }
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(depth)
    if (
      kind === ts.SyntaxKind.StringLiteral ||
      kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      kind === ts.SyntaxKind.TemplateHead ||
      kind === ts.SyntaxKind.TemplateMiddle ||
      kind === ts.SyntaxKind.TemplateTail
    )
      out.push(scanner.getTokenValue())
  }
  return out
}

/** The words of a literal that name a head: the whole literal, or a token of it between spaces and brackets. */
export const headNamesIn = (literal: string): Array<string> =>
  [literal.trim(), ...literal.split(/[\s()[\]{},:;"'`]+/)].filter((t) => names.has(t))

describe("the brain's code names no operator or function", () => {
  const files = filesUnder(join(import.meta.dirname, "../../src/layers/brain"))

  it("scans every file of src/layers/brain/", () => {
    expect(files.length).toBeGreaterThan(20)
  })

  it("has no head name in any string literal", () => {
    const found = files.flatMap((file) =>
      stringLiterals(readFileSync(file, "utf8")).flatMap((literal) => headNamesIn(literal).map((name) => `${file.split("src/")[1]}: "${literal}" names ${name}`))
    )
    expect(found.slice(0, 40)).toEqual([])
  })

  it("would catch one (the scan itself works)", () => {
    expect(headNamesIn("sin")).toEqual(["sin", "sin"])
    expect(headNamesIn("(derive f x)")).toContain("derive")
    expect(stringLiterals('const a = fn("cos", u); const b = `${x}^${y}`; if (a) { const c = op("^", u, v) }')).toEqual(["cos", "", "^", "", "^"])
    expect(headNamesIn("the brain has no input for")).toEqual([])
  })
})
