/**
 * What a worker does with a request, as a plain function (also used in the main
 * thread when --threads 1): finds the level in its module, then generates a chunk or
 * checks lines.
 */
import * as WT from "node:worker_threads"
import { builtinLevels } from "../../plugins/builtin/index.js"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import { levelsOfModule } from "../../plugins/load.js"
import { generateChunk } from "./chunk.js"
import { checkLine } from "./check.js"
import { engineKernel } from "./kernel.js"
import type { ChunkRequest, ChunkResult, ValidateRequest, ValidateResult } from "./protocol.js"

const modules = new Map<string, Promise<ReadonlyArray<CurriculumLevel>>>()

/** In a bundled worker, tsx is registered only when a TypeScript plugin module is first imported. */
const tsxApi: string | undefined = (WT.workerData as { tsxApi?: string } | null)?.tsxApi
let tsxRegistered: Promise<void> | undefined
const readyFor = (url: string): Promise<void> => {
  if (tsxApi === undefined || !/\.[mc]?tsx?$/.test(new URL(url).pathname)) return Promise.resolve()
  tsxRegistered ??= import(/* @vite-ignore */ tsxApi).then((m: { register: () => unknown }) => {
    m.register()
  })
  return tsxRegistered
}

/** The levels a module exports (imported once per thread). */
export const levelsAt = (url: string): Promise<ReadonlyArray<CurriculumLevel>> => {
  let p = modules.get(url)
  if (p === undefined) {
    p = readyFor(url)
      .then(() => import(/* @vite-ignore */ url))
      .then((ns: Record<string, unknown>) => levelsOfModule(ns))
    modules.set(url, p)
  }
  return p
}

export const findLevel = async (url: string, level: number): Promise<CurriculumLevel> => {
  const found = (await levelsAt(url)).find((l) => l.level === level)
  if (found === undefined) throw new Error(`module ${url} exports no level ${level}`)
  return found
}

/** This thread's replica of the inputs written in the current run (from the requests' `known`). */
let replicaRun = ""
const replica = new Set<string>()

/** A chunk in this thread: `known` is the main thread's own set; in a worker, the replica. */
export const runChunk = (level: CurriculumLevel, request: ChunkRequest, known?: ReadonlySet<string>): ChunkResult => {
  if (known === undefined) {
    if (request.run !== replicaRun) {
      replica.clear()
      replicaRun = request.run
    }
    for (const p of request.known) replica.add(p)
    known = replica
  }
  return generateChunk(level, request, engineKernel, known)
}

export const runValidate = (plugins: (level: number) => CurriculumLevel | undefined, lines: ReadonlyArray<string>): ValidateResult => {
  const levels: Array<number> = []
  const polish: Array<string> = []
  const kinds: Array<ValidateResult["kinds"][number]> = []
  const fields: Array<string> = []
  const messages: Array<string> = []
  const unknownLevel: Array<boolean> = []
  for (const line of lines) {
    const c = checkLine(line, plugins, engineKernel)
    levels.push(c.level)
    polish.push(c.polish)
    kinds.push(c.kind)
    fields.push(c.field)
    messages.push(c.message)
    unknownLevel.push(c.unknownLevel)
  }
  return { levels, polish, kinds, fields, messages, unknownLevel }
}

const registries = new Map<string, Promise<Map<number, CurriculumLevel>>>()

/** Every level of the given modules, by number (cached per module list). */
export const pluginsOf = (urls: ReadonlyArray<string>): Promise<Map<number, CurriculumLevel>> => {
  const key = urls.join("\n")
  let p = registries.get(key)
  if (p === undefined) {
    p = Promise.all(urls.map(levelsAt)).then((all) => {
      const m = new Map<number, CurriculumLevel>()
      for (const ls of all) for (const l of ls) if (!m.has(l.level)) m.set(l.level, l)
      return m
    })
    registries.set(key, p)
  }
  return p
}

const builtin = (n: number): CurriculumLevel => {
  const l = builtinLevels.find((b) => b.level === n)
  if (l === undefined) throw new Error(`no built-in level ${n}`)
  return l
}

export const handle = async (request: ChunkRequest | ValidateRequest): Promise<ChunkResult | ValidateResult> => {
  if (request._tag === "Chunk") {
    if (request.builtin) return runChunk(builtin(request.level), request)
    if (request.module === undefined) throw new Error(`level ${request.level} has no module a worker can import`)
    return runChunk(await findLevel(request.module, request.level), request)
  }
  const plugins = await pluginsOf(request.modules)
  const builtins = new Set(request.builtins)
  return runValidate((n) => (builtins.has(n) ? builtin(n) : plugins.get(n)), request.lines)
}
