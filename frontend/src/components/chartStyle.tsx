/** What the charts share so they read alike: height, axis ticks, legend text and the outcome colours. */
export const CHART_HEIGHT = 260

/** Axis ticks in the muted text colour, which follows the colour scheme. */
export const TICK = { fill: 'var(--muted)' }

/** Bar and line colours of the outcomes; the legend's text stays in the page's colour (AA), only its swatch is coloured. */
export const OUTCOME_COLOURS = { success: '#16a34a', failed: '#dc2626', rate: '#d97706' } as const

/** Legend text in the page's text colour (AA in both schemes); the swatch beside it carries the series colour. */
export function legendText(value: string) {
  return <span className="chart-legend">{value}</span>
}
