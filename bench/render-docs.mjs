/**
 * Render a benchmark run for the docs: docs/bench.svg (the reference-layer GFLOP/s chart),
 * docs/bench.md (the markdown tables, for the README) and, when a headless Chromium is installed,
 * docs/bench.png (a screenshot of the SVG, for places that do not show SVG).
 *
 *   node bench/render-docs.mjs [results.json]      (default bench/results/latest.json)
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve, relative, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize, chartSvg, toMarkdown } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = resolve(ROOT, 'docs');

function findChromium() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

/** Screenshot an SVG file with headless Chromium; returns false when it could not. */
export function screenshot(chromium, svgFile, pngFile, width, height) {
  const profile = join(tmpdir(), `simdconv-chromium-${process.pid}`);
  const r = spawnSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`, `--screenshot=${pngFile}`, pathToFileURL(svgFile).href,
  ], { encoding: 'utf8', timeout: 60_000 });
  rmSync(profile, { recursive: true, force: true });
  return r.status === 0 && existsSync(pngFile);
}

const file = resolve(process.argv[2] ?? resolve(ROOT, 'bench/results/latest.json'));
if (!existsSync(file)) {
  console.error(`render-docs: ${file} does not exist: run \`npm run bench\` first (or pass a results JSON)`);
  process.exit(1);
}
const result = JSON.parse(readFileSync(file, 'utf8'));
if (result.meta.quick) console.error('render-docs: warning: this is a --quick run; its figures are not measurements');
const sum = summarize(result, 'layers');
const m = result.meta;
const svg = chartSvg(sum, 'simdconv and its peers: GFLOP/s on the reference layers (one thread)',
  `${m.cpu}, ${m.cores} cores, Node ${m.node} ${m.execArgv.join(' ')}, ${m.primaryLayout}, ${m.date.slice(0, 10)}`);
mkdirSync(DOCS, { recursive: true });
const svgFile = resolve(DOCS, 'bench.svg');
writeFileSync(svgFile, `${svg}\n`);
writeFileSync(resolve(DOCS, 'bench.md'), toMarkdown(result));
const written = [svgFile, resolve(DOCS, 'bench.md')];
const chromium = findChromium();
if (chromium) {
  const [, w, h] = svg.match(/width="(\d+)" height="(\d+)"/);
  const png = resolve(DOCS, 'bench.png');
  if (screenshot(chromium, svgFile, png, +w, +h)) written.push(png);
  else console.error('render-docs: chromium failed; no PNG');
} else {
  console.error('render-docs: no chromium found; wrote the SVG only (apt-get install -y chromium for a PNG)');
}
console.log(`render-docs: wrote ${written.map((p) => relative(process.cwd(), p)).join(', ')}`);
