/**
 * Apache ECharts, server-side: an option in, an SVG string out, no DOM.
 *
 * ECharts is loaded on first use (the plot command pays for it, the other commands do
 * not) from its single-file CommonJS bundle, which loads about 3× faster than its
 * hundreds of ES modules.
 */
import type * as ECharts from "echarts"
import { createRequire } from "node:module"

let loaded: typeof ECharts | undefined

/** The `echarts` module, loaded once. */
export const echarts = (): typeof ECharts => (loaded ??= createRequire(import.meta.url)("echarts") as typeof ECharts)

export interface SvgSize {
  readonly width: number
  readonly height: number
}

/**
 * Renders one option as a standalone SVG document. The chart is disposed of afterwards
 * (a live chart keeps a timer that holds the process open).
 */
export const renderSvg = (option: ECharts.EChartsOption, size: SvgSize): string => {
  const chart = echarts().init(null, null, { renderer: "svg", ssr: true, width: size.width, height: size.height })
  try {
    chart.setOption(option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
