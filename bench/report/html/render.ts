/**
 * One echarts option → one static SVG string, rendered on the server (echarts SSR, SVG renderer):
 * no DOM, no script in the output, nothing fetched when the report is viewed. echarts escapes
 * the text it draws (titles, legend names, axis labels).
 */
import * as echarts from 'echarts';

export type ChartOption = Record<string, unknown>;

export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
