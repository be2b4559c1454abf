/** Helpers for the generator tests: run the Generator on a temp directory, read the files back. */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { CurriculumLive } from "../../src/layers/CurriculumLive.js"
import { layer } from "../../src/layers/generator/GeneratorLive.js"
import type { Curriculum } from "../../src/services/Curriculum.js"
import type { GenerateOptions } from "../../src/services/Generator.js"
import { Generator } from "../../src/services/Generator.js"

export const tmpDir = (prefix = "grapheme-gen-"): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

export const generatorLayer = <E = never>(threads: number, curriculum: Layer.Layer<Curriculum, E> = CurriculumLive as Layer.Layer<Curriculum, E>) =>
  layer(threads).pipe(Layer.provide(Layer.merge(curriculum, NodeFileSystem.layer)))

export const generate = <E = never>(threads: number, options: GenerateOptions, curriculum?: Layer.Layer<Curriculum, E>) =>
  Effect.flatMap(Generator, (g) => g.generate(options)).pipe(Effect.provide(generatorLayer(threads, curriculum)), Effect.scoped)

/** Every file under dir (relative path → content). */
export const readTree = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const rel of (fs.readdirSync(dir, { recursive: true }) as Array<string>).sort()) {
    const full = path.join(dir, rel)
    if (fs.statSync(full).isFile()) out[rel] = fs.readFileSync(full, "utf8")
  }
  return out
}

export const lines = (text: string): Array<string> => text.split("\n").filter((l) => l !== "")
