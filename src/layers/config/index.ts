/**
 * Configuration: the `train_config.toml` schema (src/domain/Config.ts) and its loading
 * (./load.ts). See docs/config.md for every key.
 */
export * from "../../domain/Config.js"
export {
  applyOverrides,
  configToToml,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  loadConfigFlag,
  loadConfigOptional,
  parseConfig,
  pluginsFromConfig,
  type PluginSpecs,
  pluginSpecs,
  rebasePaths
} from "./load.js"
