/**
 * `train_config.toml` (SPEC §5): the seed's six sections and keys, each optional with
 * the seed's value as its default, decoded with Schema. An unknown section or key, a
 * wrong type or a value out of range is a `ConfigError` whose message is one line that
 * names the file, the key, what was expected and what was found:
 *
 * ```
 * train_config.toml: [training] batch_size: expected an integer ≥ 1, got "64"
 * train_config.toml: [training] batchsize: unknown key (did you mean batch_size? known: batch_size, …)
 * train_config.toml:3:14: invalid TOML: invalid value
 * ```
 *
 * The decoded `TrainConfig` keeps the file's snake_case names, so a section can be
 * handed as it is to what consumes it (e.g. `resolveWeights(config.loss)`).
 *
 * Extensions (SPEC is silent on them; documented in docs/config.md):
 * `[training] seed`, `[curriculum] plugins` (SPEC §9), `[paths] metrics_file` (SPEC §5's
 * metrics.jsonl), `[paths] storage` ("file" | "memory": FileStorage or InMemoryStorage)
 * and `[hardware] stream_data` (named by the seed's "Memory Optimization" section).
 *
 * Pure: TOML text → object is `src/layers/config/load.ts`, which also reads files.
 *
 * One file per job under ./config/: schema.ts (the sections, `ConfigError`),
 * decode.ts (one-line errors), suggest.ts ("did you mean"), overrides.ts (flags).
 */
export { type ConfigIssue, configErrorOf, decodeConfig, encodeConfig, firstIssue, keyText, showValue } from "./config/decode.js"
export * from "./config/overrides.js"
export * from "./config/schema.js"
export * from "./config/suggest.js"
