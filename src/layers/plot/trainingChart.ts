/**
 * The training chart (`grapheme plot`): one panel per curriculum level, x = the
 * level's epoch; average loss and GED on the left axis (logarithmic when they span
 * two decades or more), accuracy on the right axis [0, 1]; the accuracy of earlier
 * levels measured during this one (replay) as dashed lines; the advance threshold as a
 * dotted line and the epoch after which the curriculum moved on as a red line, both
 * also spelled out in the panel's subtitle. One legend for all panels.
 *
 * `trainingChart` builds the ECharts option (pure data); `renderTrainingSvg` renders it.
 */
import type {
  EChartsOption,
  GridComponentOption,
  LineSeriesOption,
  TitleComponentOption,
  XAXisComponentOption,
  YAXisComponentOption
} from "echarts"
import type { EpochRecord, LevelRecord, TrainingLog } from "../../domain/TrainingLog.js"
import { epochCount } from "../../domain/TrainingLog.js"
import { renderSvg } from "./echarts.js"

type LineData = NonNullable<LineSeriesOption["data"]>

export type ScaleMode = "auto" | "log" | "linear"

export interface TrainingChartOptions {
  /** Scale of the loss/GED axis: `auto` = logarithmic when the values span ≥ 2 decades. */
  readonly scale?: ScaleMode
  /** The figure's title (default: `Training — <source>`). */
  readonly title?: string
}

export interface TrainingChart {
  readonly option: EChartsOption
  readonly width: number
  readonly height: number
}

export const colors = {
  loss: "#2f6fbf",
  ged: "#e07b39",
  accuracy: "#2a9d55",
  threshold: "#8a8a8a",
  advance: "#d62728",
  text: "#222222",
  subtext: "#555555",
  axis: "#888888",
  grid: "#e6e6e6",
  /** Replay accuracy of level L uses `replay[(L - 1) % length]`. */
  replay: ["#8e6cc2", "#c2508a", "#17a2b8", "#b8860b", "#6d7b8d", "#8c564b", "#4b8b3b"]
} as const

export const seriesNames = {
  loss: "avg loss",
  ged: "GED",
  accuracy: "accuracy",
  replay: (level: number) => `level ${level} accuracy (replay)`
} as const

const layout = {
  /** Main title + legend. */
  header: 92,
  /** Panel title + subtitle above each grid. */
  panelTitle: 84,
  gridHeight: 230,
  /** x-axis labels and name below each grid. */
  panelBottom: 52,
  left: 78,
  right: 74,
  footer: 12
} as const

/** Number with at most 3 significant digits, no exponent for usual magnitudes. */
const fmt = (x: number): string => {
  if (x === 0) return "0"
  const a = Math.abs(x)
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(3)))
  return x.toExponential(2).replace(/\.?0+e/, "e")
}

/** Tick spacing of the epoch axis: 1, 2, 5, 10, 20, 50 … so that about ten ticks show. */
export const epochStep = (span: number): number => {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (span / (m * p) <= 12) return m * p
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

interface AxisChoice {
  readonly type: "log" | "value"
  readonly min?: number
  readonly max?: number
  /** Where values ≤ 0 are drawn on a log axis (its floor). */
  readonly floor?: number
}

/** Log when asked, or in `auto` when the positive loss/GED values span ≥ 2 decades. */
export const chooseScale = (values: ReadonlyArray<number>, mode: ScaleMode): AxisChoice => {
  const positive = values.filter((v) => v > 0)
  if (positive.length === 0 || mode === "linear") return { type: "value", min: 0 }
  const lo = Math.min(...positive)
  const hi = Math.max(...positive)
  if (mode === "auto" && hi / lo < 100) return { type: "value", min: 0 }
  // Zeros sit one decade below the smallest positive value, apart from it.
  const zeros = positive.length < values.length
  const min = 10 ** (Math.floor(Math.log10(lo)) - (zeros ? 1 : 0))
  const max = 10 ** Math.max(Math.ceil(Math.log10(hi)), Math.log10(min) + 1)
  return { type: "log", min, max, floor: min }
}

/**
 * The line under a panel's title: its epochs, then the level change (`advanced to level 3
 * at epoch 12, acc 0.96 > 0.95`) or the best accuracy so far. Two parts, so that the
 * level change can be coloured.
 */
export const panelSubtitle = (level: LevelRecord, firstGlobal: number): { readonly epochs: string; readonly outcome: string } => {
  const n = level.epochs.length
  const epochs =
    n === 0
      ? "no epochs"
      : `${plural(n, "epoch")} (run epoch${n === 1 ? "" : "s"} ${firstGlobal}${n === 1 ? "" : `–${firstGlobal + n - 1}`})`
  const adv = level.advancedAt
  if (adv !== undefined) {
    const acc = adv.accuracy === undefined ? "" : `, acc ${fmt(adv.accuracy)}${adv.threshold === undefined ? "" : ` > ${fmt(adv.threshold)}`}`
    return { epochs, outcome: `advanced${adv.toLevel === undefined ? "" : ` to level ${adv.toLevel}`} at epoch ${adv.epoch}${acc}` }
  }
  const best = level.epochs.reduce<EpochRecord | undefined>(
    (b, e) => (e.accuracy !== undefined && (b === undefined || e.accuracy > b.accuracy!) ? e : b),
    undefined
  )
  return { epochs, outcome: best === undefined ? "not advanced" : `not advanced · best accuracy ${fmt(best.accuracy!)} (epoch ${best.epoch})` }
}

/** Builds the chart of a parsed log. */
export const trainingChart = (log: TrainingLog, options: TrainingChartOptions = {}): TrainingChart => {
  const levels = log.levels
  const cols = levels.length <= 3 ? 1 : 2
  const rows = Math.max(1, Math.ceil(levels.length / cols))
  const width = cols === 1 ? 1000 : 1600
  const cellWidth = width / cols
  const cellHeight = layout.panelTitle + layout.gridHeight + layout.panelBottom
  const height = layout.header + rows * cellHeight + layout.footer
  const scaleMode = options.scale ?? "auto"
  const manyEpochs = levels.some((l) => l.epochs.length > 40)
  /** The threshold of the run: a level's own, else the last one logged (usually the same for all). */
  const runThreshold = [...levels].reverse().find((l) => l.advancedAt?.threshold !== undefined)?.advancedAt?.threshold

  const titles: Array<TitleComponentOption> = [
    {
      text: options.title ?? `Training — ${log.source.split(/[\\/]/).pop()}`,
      subtext: `${plural(levels.length, "level")}, ${plural(epochCount(log), "epoch")}`,
      left: "center",
      top: 8,
      textStyle: { fontSize: 20, fontWeight: "bold", color: colors.text },
      subtextStyle: { fontSize: 13, color: colors.subtext },
      itemGap: 4
    }
  ]
  const grids: Array<GridComponentOption> = []
  const xAxes: Array<XAXisComponentOption> = []
  const yAxes: Array<YAXisComponentOption> = []
  const series: Array<LineSeriesOption> = []
  const replayLevels = new Set<number>()
  let globalEpoch = 1

  levels.forEach((level, i) => {
    const col = i % cols
    const row = Math.floor(i / cols)
    const x0 = col * cellWidth
    const y0 = layout.header + row * cellHeight
    const gridLeft = x0 + layout.left
    const gridTop = y0 + layout.panelTitle
    const gridWidth = cellWidth - layout.left - layout.right
    const sub = panelSubtitle(level, globalEpoch)
    // Two lines of rich text, `{style|text}`: each starts at the left, so nothing depends on
    // how wide the viewer's font draws them.
    const outcomeStyle = level.advancedAt !== undefined ? "a" : "n"
    titles.push({
      text: `Level ${level.level}`,
      subtext: `{n|${sub.epochs}}\n{${outcomeStyle}|${sub.outcome}}`,
      left: gridLeft - 8,
      top: y0 + 2,
      textStyle: { fontSize: 16, fontWeight: "bold", color: colors.text },
      subtextStyle: {
        fontSize: 13,
        lineHeight: 18,
        color: colors.subtext,
        rich: {
          n: { fontSize: 13, lineHeight: 18, color: colors.subtext },
          a: { fontSize: 13, lineHeight: 18, color: colors.advance, fontWeight: "bold" }
        }
      },
      itemGap: 5
    })
    globalEpoch += level.epochs.length
    grids.push({ left: gridLeft, top: gridTop, width: gridWidth, height: layout.gridHeight, containLabel: false })

    const epochs = level.epochs.map((e) => e.epoch)
    const first = epochs.length === 0 ? 1 : Math.min(...epochs)
    const last = epochs.length === 0 ? 1 : Math.max(...epochs, level.advancedAt?.epoch ?? 0)
    // A single epoch sits in the middle; otherwise leave room after the last epoch so that
    // the advance line does not sit on the frame.
    const single = first === last
    const step = single ? 0.5 : epochStep(last - first)
    const advanced = level.advancedAt !== undefined
    // Ticks on multiples of the step (5, 10, 15 … rather than 1, 6, 11 …), labels only on
    // the epochs themselves. A single epoch sits in the middle (ticks at ±0.5); after an
    // advance there is room for its line, which would otherwise sit on the frame.
    const xMin = single ? first - 0.5 : step > 1 ? Math.floor(first / step) * step : first
    const xMax = single ? last + 0.5 : Math.max(step > 1 ? Math.ceil(last / step) * step : last, advanced ? last + 0.5 : last)
    xAxes.push({
      type: "value",
      gridIndex: i,
      min: xMin,
      max: xMax,
      interval: step,
      name: "epoch",
      nameLocation: "middle",
      nameGap: 28,
      nameTextStyle: { fontSize: 13, color: colors.subtext },
      axisLabel: {
        fontSize: 12,
        color: colors.text,
        formatter: (v: number) => (Number.isInteger(v) && v >= first ? String(v) : "")
      },
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { show: false }
    })

    const metric = (pick: (e: EpochRecord) => number | undefined) =>
      level.epochs.flatMap((e) => {
        const v = pick(e)
        return v === undefined ? [] : [[e.epoch, v] as const]
      })
    const loss = metric((e) => e.avgLoss)
    const ged = metric((e) => e.ged)
    const acc = metric((e) => e.accuracy)
    const scale = chooseScale([...loss, ...ged].map(([, v]) => v), scaleMode)
    const hasZero = scale.type === "log" && [...loss, ...ged].some(([, v]) => v <= 0)

    yAxes.push({
      type: scale.type,
      gridIndex: i,
      position: "left",
      ...(scale.type === "log" ? { logBase: 10 } : {}),
      ...(scale.min !== undefined ? { min: scale.min } : {}),
      ...(scale.max !== undefined ? { max: scale.max } : {}),
      name: `loss · GED${scale.type === "log" ? (hasZero ? " (log; ▼ = 0)" : " (log)") : ""}`,
      nameLocation: "middle",
      nameGap: 52,
      nameTextStyle: { fontSize: 13, color: colors.subtext },
      axisLabel: { fontSize: 12, color: colors.text, formatter: (v: number) => fmt(v) },
      axisLine: { show: true, lineStyle: { color: colors.axis } },
      splitLine: { show: true, lineStyle: { color: colors.grid } }
    })
    yAxes.push({
      type: "value",
      gridIndex: i,
      position: "right",
      min: 0,
      max: 1,
      interval: 0.2,
      name: "accuracy",
      nameLocation: "middle",
      nameGap: 44,
      nameRotate: -90,
      nameTextStyle: { fontSize: 13, color: colors.accuracy },
      axisLabel: { fontSize: 12, color: colors.text, formatter: (v: number) => fmt(v) },
      axisLine: { show: true, lineStyle: { color: colors.axis } },
      splitLine: { show: false }
    })
    const leftAxis = 2 * i
    const rightAxis = 2 * i + 1

    const line = (
      name: string,
      color: string,
      yAxisIndex: number,
      data: LineData,
      extra: Omit<LineSeriesOption, "type"> = {}
    ): LineSeriesOption => ({
      type: "line",
      name,
      xAxisIndex: i,
      yAxisIndex,
      data,
      color,
      showSymbol: !manyEpochs,
      symbol: "circle",
      symbolSize: 6,
      lineStyle: { width: 2.2, color },
      itemStyle: { color },
      animation: false,
      z: 3,
      ...extra
    })
    /** On a log axis a value ≤ 0 cannot be drawn: it sits on the floor as a ▼. */
    const onScale = (points: ReadonlyArray<readonly [number, number]>): LineData =>
      points.map(([x, v]) =>
        scale.type === "log" && v <= 0
          ? { value: [x, scale.floor!], symbol: "triangle", symbolRotate: 180, symbolSize: 11 }
          : [x, v]
      )

    if (loss.length > 0) series.push(line(seriesNames.loss, colors.loss, leftAxis, onScale(loss)))
    if (ged.length > 0) series.push(line(seriesNames.ged, colors.ged, leftAxis, onScale(ged), { symbol: "rect", symbolSize: 6 }))

    // The advance threshold and the level change, carried by the accuracy series (or an empty one).
    const threshold = level.advancedAt?.threshold ?? runThreshold
    const marks: NonNullable<NonNullable<LineSeriesOption["markLine"]>["data"]> = []
    if (threshold !== undefined)
      marks.push({
        yAxis: threshold,
        lineStyle: { color: colors.threshold, type: "dotted", width: 1.5 },
        label: { formatter: `threshold ${fmt(threshold)}`, position: "insideStartTop", color: colors.subtext, fontSize: 12 }
      })
    if (level.advancedAt !== undefined) {
      const adv = level.advancedAt
      marks.push({
        xAxis: adv.epoch,
        lineStyle: { color: colors.advance, type: "dashed", width: 2 },
        label: {
          formatter: adv.toLevel === undefined ? "advanced" : `→ level ${adv.toLevel}`,
          position: "end",
          distance: 4,
          color: colors.advance,
          fontSize: 12,
          fontWeight: "bold"
        }
      })
    }
    const markLine: LineSeriesOption["markLine"] =
      marks.length === 0 ? undefined : { symbol: "none", silent: true, animation: false, data: marks }
    series.push(
      line(seriesNames.accuracy, colors.accuracy, rightAxis, acc.map(([x, v]) => [x, v]), {
        symbol: "diamond",
        symbolSize: 8,
        lineStyle: { width: 2.6, color: colors.accuracy },
        ...(markLine !== undefined ? { markLine } : {})
      })
    )

    // Replay: the accuracy of earlier levels measured during this one.
    const earlier = [...new Set(level.epochs.flatMap((e) => e.validation.map((v) => v.level)))]
      .filter((l) => l !== level.level)
      .sort((a, b) => a - b)
    for (const l of earlier) {
      replayLevels.add(l)
      const color = colors.replay[(l - 1) % colors.replay.length]!
      const data = level.epochs.flatMap((e) => {
        const v = e.validation.find((x) => x.level === l)
        return v === undefined ? [] : [[e.epoch, v.accuracy]]
      })
      series.push(
        line(seriesNames.replay(l), color, rightAxis, data, {
          symbol: "emptyCircle",
          symbolSize: 5,
          lineStyle: { width: 1.6, color, type: "dashed" },
          z: 2
        })
      )
    }
  })

  const legendNames = [
    seriesNames.loss,
    seriesNames.ged,
    seriesNames.accuracy,
    ...[...replayLevels].sort((a, b) => a - b).map(seriesNames.replay)
  ].filter((name) => series.some((s) => s.name === name))

  const option: EChartsOption = {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: "Helvetica, Arial, sans-serif" },
    title: titles,
    legend: {
      data: legendNames,
      top: 62,
      left: "center",
      itemWidth: 26,
      itemHeight: 12,
      itemGap: 22,
      textStyle: { fontSize: 13, color: colors.text }
    },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series
  }
  return { option, width, height }
}

/** The chart of a parsed log as a standalone SVG document. */
export const renderTrainingSvg = (log: TrainingLog, options: TrainingChartOptions = {}): string => {
  const chart = trainingChart(log, options)
  return renderSvg(chart.option, { width: chart.width, height: chart.height })
}
