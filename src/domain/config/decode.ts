/**
 * Decoding a parsed document into a `TrainConfig`, with one-line errors: the first
 * issue's path as `[section] key`, what the key accepts and what was found, and for an
 * unknown key the closest known one.
 */
import type { ParseResult } from "effect"
import { Either, Schema } from "effect"
import type { TrainConfigInput } from "./schema.js"
import { ConfigError, ExpectedId, keysOf, sectionNames, TrainConfig } from "./schema.js"
import { suggest } from "./suggest.js"

// ─── decoding with one-line errors ─────────────────────────────────────────────────

/** What a failed decode is about: where (path into the document), the kind, and the words. */
export interface ConfigIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly kind: "UnknownKey" | "InvalidValue"
  readonly expected: string
}

const expectedOf = (ast: unknown): string | undefined => {
  const annotations = (ast as { annotations?: Record<PropertyKey, unknown> } | undefined)?.annotations
  const value = annotations?.[ExpectedId]
  return typeof value === "string" ? value : undefined
}

/**
 * The first leaf of a parse issue, with its full path and the description of the nearest
 * annotated schema on the way to it (reset at each step into a child).
 */
export const firstIssue = (root: ParseResult.ParseIssue): ConfigIssue => {
  let issue: ParseResult.ParseIssue = root
  const path: Array<PropertyKey> = []
  let expected: string | undefined
  for (;;) {
    if ("ast" in issue) expected ??= expectedOf(issue.ast)
    switch (issue._tag) {
      case "Pointer": {
        const p = issue.path
        path.push(...(Array.isArray(p) ? (p as ReadonlyArray<PropertyKey>) : [p as PropertyKey]))
        expected = undefined
        issue = issue.issue
        continue
      }
      case "Composite": {
        const inner = issue.issues
        const first = Array.isArray(inner) ? (inner as ReadonlyArray<ParseResult.ParseIssue>)[0] : inner
        if (first === undefined) return { path, kind: "InvalidValue", expected: expected ?? "a valid value" }
        issue = first as ParseResult.ParseIssue
        continue
      }
      case "Refinement":
      case "Transformation":
        issue = issue.issue
        continue
      case "Unexpected":
        return { path, kind: "UnknownKey", expected: "" }
      case "Type":
        return {
          path,
          kind: "InvalidValue",
          expected: expected ?? (issue.message ?? "").replace(/^expected /, "")
        }
      case "Missing":
      case "Forbidden":
        return { path, kind: "InvalidValue", expected: expected ?? "a valid value" }
    }
  }
}

const isTable = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** A value as the user would recognise it from the file: `"64"`, `0`, `[1, 2]`, `a table`. */
export const showValue = (u: unknown): string => {
  if (u === undefined) return "nothing"
  if (typeof u === "string") return JSON.stringify(u.length > 60 ? `${u.slice(0, 57)}...` : u)
  if (typeof u === "number" || typeof u === "boolean" || typeof u === "bigint") return String(u)
  if (u instanceof Date) return `a date (${Number.isNaN(u.getTime()) ? "invalid" : String((u as { toISOString(): string }).toISOString())})`
  if (Array.isArray(u)) {
    const text = `[${u.map(showValue).join(", ")}]`
    return text.length > 60 ? `an array of ${u.length} values` : text
  }
  if (isTable(u)) return "a table"
  return String(u)
}

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let u = input
  for (const k of path) {
    if (u === null || typeof u !== "object") return undefined
    u = (u as Record<PropertyKey, unknown>)[k]
  }
  return u
}

/** `[training] batch_size`, `[curriculum] plugins[0]`, `[trainin]`. */
export const keyText = (path: ReadonlyArray<PropertyKey>): string | undefined => {
  if (path.length === 0) return undefined
  const [sectionName, key, ...rest] = path
  const head = `[${String(sectionName)}]`
  if (key === undefined) return head
  return `${head} ${String(key)}${rest.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("")}`
}

const unknownDetail = (what: "key" | "section", name: string, known: ReadonlyArray<string>): string => {
  if (what === "section") {
    const home = sectionNames.find((s) => keysOf(s).includes(name))
    if (home !== undefined) return `unknown section (${name} is a key of [${home}]: write it under [${home}])`
  }
  const hint = suggest(name, known)
  return `unknown ${what} (${hint === undefined ? "" : `did you mean ${hint}? `}known: ${known.join(", ")})`
}

/** A parse issue of `TrainConfig` over `input` → the one-line `ConfigError` for `source`. */
export const configErrorOf = (issue: ParseResult.ParseIssue, input: unknown, source: string | undefined): ConfigError => {
  const found = firstIssue(issue)
  const key = keyText(found.path)
  if (found.kind === "UnknownKey") {
    const [sectionName, name] = found.path
    const detail =
      found.path.length === 1
        ? unknownDetail("section", String(sectionName), sectionNames)
        : found.path.length === 2 && sectionNames.includes(sectionName as keyof TrainConfig)
          ? unknownDetail("key", String(name), keysOf(sectionName as keyof TrainConfig))
          : "unknown key"
    return new ConfigError({ reason: "UnknownKey", source, key, detail, cause: issue })
  }
  return new ConfigError({
    reason: "InvalidValue",
    source,
    key,
    detail: `expected ${found.expected}, got ${showValue(valueAt(input, found.path))}`,
    cause: issue
  })
}

export const decodeEither = Schema.decodeUnknownEither(TrainConfig, { onExcessProperty: "error", errors: "first" })

/**
 * Decodes a parsed TOML document (or any object) into a `TrainConfig`: defaults filled,
 * ranges checked, unknown keys rejected. `source` names the file in the error.
 */
export const decodeConfig = (input: unknown, source: string | undefined): Either.Either<TrainConfig, ConfigError> =>
  Either.mapLeft(decodeEither(input), (e) => configErrorOf(e.issue, input, source))

/** A config as a plain object with every key, ready for TOML or JSON (e.g. a checkpoint header). */
export const encodeConfig: (config: TrainConfig) => TrainConfigInput = Schema.encodeSync(TrainConfig)
