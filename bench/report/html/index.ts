/**
 * `writeHtmlReport(result, dir)`: the comparison report of `snf bench compare --report` and
 * `snf demo`. Writes `<dir>/index.html` (self-contained: inline SVG figures rendered by echarts
 * on the server, no script, nothing fetched at view time), each figure also as `<dir>/<id>.svg`,
 * and the run as `<dir>/result.json`. Returns the path of index.html.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CompareResult } from '../../compare/types';
import { compareFigures } from './figures';
import { reportPage, type RenderedFigure } from './page';
import { renderSvg } from './render';

export { compareFigures } from './figures';

export async function writeHtmlReport(result: CompareResult, dir: string): Promise<string> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const figs: RenderedFigure[] = compareFigures(result).map((f) => ({
    id: f.id, title: f.title, what: f.what,
    ...(f.option ? { svg: renderSvg(f.option, f.width, f.height) } : { note: f.note ?? 'no data' }),
  }));
  await Promise.all(figs.filter((f) => f.svg).map((f) => writeFile(join(out, `${f.id}.svg`), f.svg as string)));
  await writeFile(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  const index = join(out, 'index.html');
  await writeFile(index, reportPage(result, figs));
  return index;
}
