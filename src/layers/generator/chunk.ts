/**
 * One chunk of candidates: draw, answer with the Engine, verify, encode. Pure and
 * synchronous, so that a worker thread and the main thread produce the same bytes.
 */
import { Rng } from "../../domain/Random.js"
import { print } from "../../domain/Polish.js"
import { defaultAnswer, defaultVerify } from "../../plugins/answer.js"
import type { Answer, CurriculumLevel, EngineKernel, Problem } from "../../services/CurriculumLevel.js"
import type { ChunkRequest, ChunkResult } from "./protocol.js"
import { exprJsonText } from "./json.js"
import { CHUNK_SIZE, chunkStream, KNOWN } from "./protocol.js"
import { bucketOf } from "./split.js"

/**
 * `L{level}-{candidate index}`, the index zero-padded to 9 digits (indices stay below 2^28):
 * the same in every run, thread count and shard, and lines sort by it as text, so
 * `LC_ALL=C sort -m` of a level's shard files gives the single run's file.
 */
export const exampleId = (level: number, candidate: number): string => `L${level}-${String(candidate).padStart(9, "0")}`

/** "category\tmessage" for a thrown error. */
export const rejectionOf = (e: unknown): string => {
  if (typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "EngineError") {
    const err = e as { reason?: string; message?: string }
    return `engine:${err.reason ?? "?"}\t${err.message ?? ""}`
  }
  if (e instanceof Error && e.name === "AnswerError") return `answer\t${e.message}`
  if (e instanceof RangeError) return `error\t${e.message}`
  return `error\t${e instanceof Error ? e.message : String(e)}`
}

/** Answer + verification of one problem: the answer, or the rejection text. */
export const solveAndVerify = (
  level: CurriculumLevel,
  problem: Problem,
  engine: EngineKernel
): { readonly answer: Answer } | { readonly rejection: string } => {
  let answer: Answer
  try {
    answer = (level.answer ?? defaultAnswer)(problem, engine)
  } catch (e) {
    return { rejection: rejectionOf(e) }
  }
  try {
    const bad = defaultVerify(problem, answer, engine)
    if (bad !== undefined) return { rejection: `verify\t${bad}` }
    const bad2 = level.verify?.(problem, answer, engine)
    if (bad2 !== undefined) return { rejection: `verify:level\t${bad2}` }
  } catch (e) {
    return { rejection: `verify\t${rejectionOf(e).split("\t")[1]}` }
  }
  return { answer }
}

const RESERVED = new Set(["id", "level", "input_polish", "input_expr", "expected_result", "expected_symbolic", "bindings"])

/**
 * The JSONL line of an example: the same text as `encodeLine` (src/domain/Example.ts)
 * with the expression fields written directly (./json.ts).
 */
export const lineOf = (level: number, id: string, polish: string, problem: Problem, answer: Answer): string => {
  let line =
    `{"id":${JSON.stringify(id)},"level":${level},"input_polish":${JSON.stringify(polish)},` +
    `"input_expr":${exprJsonText(problem.input)},"expected_result":${JSON.stringify(answer.result)},` +
    `"expected_symbolic":${answer.symbolic === null ? "null" : exprJsonText(answer.symbolic)},` +
    `"bindings":${JSON.stringify(problem.bindings ?? [])}`
  const extra: Record<string, unknown> = { expected_polish: print(answer.exact), ...problem.extra, ...answer.extra }
  for (const k in extra) {
    const v = extra[k]
    if (RESERVED.has(k) || v === undefined) continue
    line += `,${JSON.stringify(k)}:${JSON.stringify(v)}`
  }
  return `${line}}`
}

/**
 * Answers already computed in this thread, by problem: a repeated input (up to a fifth
 * of level 5's candidates) costs a lookup instead of the Engine and the verification.
 * Answer and verification are pure functions of the problem, so the bytes are the same
 * with or without it. Bounded: cleared when full, and per level.
 */
const MEMO_LIMIT = 20_000
let memoLevel: CurriculumLevel | undefined
const memo = new Map<string, string>()

const memoKey = (polish: string, p: Problem): string =>
  p.bindings === undefined && p.extra === undefined
    ? polish
    : `${polish}\u0000${JSON.stringify(p.bindings ?? [])}\u0000${JSON.stringify(p.extra ?? null)}`

/** The line after its id (`,"level":…}`), or "\u0000" + the rejection. */
const answerOf = (level: CurriculumLevel, polish: string, problem: Problem, engine: EngineKernel): string => {
  if (memoLevel !== level) {
    memo.clear()
    memoLevel = level
  }
  const key = memoKey(polish, problem)
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const r = solveAndVerify(level, problem, engine)
  const value = "rejection" in r ? `\u0000${r.rejection}` : lineOf(level.level, "", polish, problem, r.answer).slice(ID_PREFIX.length)
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(key, value)
  return value
}

/** Every line starts with `{"id":""` when the id is empty. */
const ID_PREFIX = '{"id":""'

/**
 * Draws, answers, verifies and encodes one chunk. `known`: inputs already written in this
 * run (a subset of what the main thread will have accepted when it reads this chunk):
 * such candidates are duplicates whatever their answer, so they are not answered.
 */
export const generateChunk = (
  level: CurriculumLevel,
  request: ChunkRequest,
  engine: EngineKernel,
  known?: ReadonlySet<string>
): ChunkResult => {
  const rng = Rng.seeded(request.seed, chunkStream(level.level, request.chunk))
  const offsets: Array<number> = []
  const buckets: Array<number> = []
  const polishes: Array<string> = []
  const lines: Array<string> = []
  const rejections: Array<string> = []
  const skip = request.skip
  for (let i = 0; i < CHUNK_SIZE; i++) {
    const problem = level.generate(rng)
    const polish = print(problem.input)
    const b = bucketOf(polish)
    if (skip.charCodeAt(b) === 49) continue // "1"
    offsets.push(i)
    buckets.push(b)
    polishes.push(polish)
    if (known !== undefined && known.has(polish)) {
      lines.push("")
      rejections.push(KNOWN)
      continue
    }
    const answered = answerOf(level, polish, problem, engine)
    if (answered.startsWith("\u0000")) {
      lines.push("")
      rejections.push(answered.slice(1))
    } else {
      lines.push(`{"id":"${exampleId(level.level, request.chunk * CHUNK_SIZE + i)}"${answered}`)
      rejections.push("")
    }
  }
  const { bytes, ends } = encodeLines(lines)
  return { chunk: request.chunk, offsets, buckets, polish: polishes, bytes, ends, rejections }
}

const encoder = new TextEncoder()

/** Lines → one UTF-8 buffer (each line followed by "\n", "" stays empty) and the end offset of each. */
export const encodeLines = (lines: ReadonlyArray<string>): { readonly bytes: Uint8Array; readonly ends: Array<number> } => {
  let chars = 0
  for (const l of lines) chars += l.length + 1
  const buffer = new Uint8Array(chars * 3)
  const ends: Array<number> = []
  let pos = 0
  for (const l of lines) {
    if (l !== "") {
      pos += encoder.encodeInto(l, buffer.subarray(pos)).written
      buffer[pos++] = 10
    }
    ends.push(pos)
  }
  return { bytes: buffer.slice(0, pos), ends }
}

const decoder = new TextDecoder()

/** Line i of a chunk result, without its "\n" ("" when rejected). */
export const lineAt = (r: ChunkResult, i: number): string => {
  const start = i === 0 ? 0 : (r.ends[i - 1] as number)
  const end = r.ends[i] as number
  return end > start ? decoder.decode(r.bytes.subarray(start, end - 1)) : ""
}
