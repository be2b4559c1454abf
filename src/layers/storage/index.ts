/**
 * The Storage layers by name (`file` on Node's file system, `memory`), and the
 * checkpoint format.
 */
import type { Layer } from "effect"
import type { StorageKind } from "../../domain/Config.js"
import type { Storage } from "../../services/Storage.js"
import * as FileStorage from "./FileStorage.js"
import * as InMemoryStorage from "./InMemoryStorage.js"

export type { StorageKind } from "../../domain/Config.js"

export const storageLayers: Readonly<Record<StorageKind, Layer.Layer<Storage>>> = {
  file: FileStorage.layerNode,
  memory: InMemoryStorage.layer
}

export { FileStorage, InMemoryStorage }
export * from "./checkpoint.js"
