/**
 * Where the `/ui/` page's static files are (gateway/api/ui/: index.html, ui.js, ui.css). tsc does
 * not copy them to dist/, so from dist/gateway/api/ the sources' folder is used.
 */
import { existsSync } from 'fs';
import { join } from 'path';

function find(): string {
  for (const d of [join(__dirname, 'ui'), join(__dirname, '..', '..', '..', 'gateway', 'api', 'ui')]) {
    if (existsSync(join(d, 'index.html'))) return d;
  }
  return join(__dirname, 'ui');
}

export const UI_DIR = find();
