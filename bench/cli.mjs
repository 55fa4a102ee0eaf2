/**
 * `simdconv bench`: the command line of the benchmark suite. Parses the options, loads the built
 * library (dist/index.js) and the peers, runs the suite (run.mjs), prints the table to stdout
 * (progress on stderr) and writes JSON, HTML and markdown reports.
 *
 *   node --experimental-wasm-relaxed-simd bench/cli.mjs bench [options]
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runSuite, ALL_PATHS, ALL_LAYOUTS } from './run.mjs';
import { PEER_NAMES } from './peers/index.mjs';
import { toText, toHtml, toMarkdown } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = resolve(ROOT, 'bench/results');

export const USAGE = `Usage: simdconv bench [options]

Times simdconv's paths on the 18 reference layers and the kernel micro-benchmarks, with
TensorFlow.js (wasm, cpu) and onnxruntime-web in the same run when they are installed.

Options:
  --layers <filter>     comma-separated names, substrings or conv types
                        (e.g. mbv1.dw1,resnet or depthwise or gemm); default: all
  --paths <list>        simdconv paths, default ${ALL_PATHS.join(',')}
  --layout <list>       NCHW and/or NHWC, default NCHW,NHWC (the first is the table's)
  --peers [list]        compare with peers (default: those that resolve among
                        ${PEER_NAMES.join(', ')})
  --no-peers            simdconv only
  --quick               a few iterations only: a smoke run, not a measurement
  --no-ceilings         do not measure the ceilings of the paths (bench/ceiling.mjs), nor
                        the layers' share of them
  --json <file>         JSON results (default bench/results/bench-<date>.json)
  --html <file>         HTML report (default bench/results/bench-<date>.html)
  --markdown <file>     markdown table (default bench/results/bench-<date>.md)
  --lib <file>          the simdconv ESM build to time (default dist/index.js)
  -h, --help            this text

Relaxed SIMD needs --experimental-wasm-relaxed-simd on Node 20/21 (the simdconv bin adds it).`;

function list(v, allowed, what) {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!allowed.includes(i)) throw new Error(`bench: unknown ${what} '${i}' (expected ${allowed.join(', ')})`);
  return items;
}

/** Parse the arguments after the `bench` command. */
export function parseArgs(argv) {
  const o = { filter: '', paths: ALL_PATHS, layouts: ALL_LAYOUTS, peers: PEER_NAMES, quick: false, ceilings: true, json: null, html: null, markdown: null, lib: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`bench: ${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--layers': o.filter = value(); break;
      case '--paths': o.paths = list(value(), ALL_PATHS, 'path'); break;
      case '--layout': case '--layouts': o.layouts = list(value(), ALL_LAYOUTS, 'layout'); break;
      case '--peers':
        if (inline !== undefined || (argv[i + 1] && !argv[i + 1].startsWith('--'))) o.peers = list(value(), PEER_NAMES, 'peer');
        else o.peers = PEER_NAMES;
        break;
      case '--no-peers': o.peers = []; break;
      case '--quick': o.quick = true; break;
      case '--no-ceilings': o.ceilings = false; break;
      case '--json': o.json = value(); break;
      case '--html': o.html = value(); break;
      case '--markdown': case '--md': o.markdown = value(); break;
      case '--lib': o.lib = value(); break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`bench: unknown option '${a}'\n\n${USAGE}`);
    }
  }
  if (!o.paths.length) throw new Error('bench: --paths selects nothing');
  if (!o.layouts.length) throw new Error('bench: --layout selects nothing');
  return o;
}

async function loadLibrary(file) {
  const path = resolve(file ?? process.env.SIMDCONV_BENCH_LIB ?? resolve(ROOT, 'dist/index.js'));
  if (!existsSync(path)) {
    throw new Error(`bench: ${relative(process.cwd(), path) || path} does not exist: build the library first (npm run build)`);
  }
  return { lib: await import(pathToFileURL(path).href), path };
}

/** One progress line on stderr, rewritten in place on a terminal, one line per step elsewhere. */
function progressWriter() {
  const tty = process.stderr.isTTY;
  return {
    line(msg) { process.stderr.write(tty ? `\r\x1b[K${msg}` : `${msg}\n`); },
    done() { if (tty) process.stderr.write('\r\x1b[K'); },
  };
}

function write(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/**
 * Run a command line (argv after `node cli.mjs`).
 * @returns {Promise<number>} exit code
 */
export async function main(argv) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') { console.log(USAGE); return cmd ? 0 : 1; }
  if (cmd !== 'bench') { console.error(`simdconv: unknown command '${cmd}'\n\n${USAGE}`); return 1; }
  const o = parseArgs(rest);
  if (o.help) { console.log(USAGE); return 0; }
  const { lib } = await loadLibrary(o.lib);
  const progress = progressWriter();
  const result = await runSuite({
    lib,
    libVersion: JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).version,
    filter: o.filter,
    paths: o.paths,
    layouts: o.layouts,
    peers: o.peers,
    quick: o.quick,
    ceilings: o.ceilings,
    progress: (m) => progress.line(m),
  });
  progress.done();
  console.log(toText(result));
  const stamp = result.meta.date.replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const def = (ext) => resolve(RESULTS, `bench-${stamp}.${ext}`);
  const written = [
    write(o.json ? resolve(o.json) : def('json'), `${JSON.stringify(result, null, 1)}\n`),
    write(o.html ? resolve(o.html) : def('html'), toHtml(result)),
    write(o.markdown ? resolve(o.markdown) : def('md'), toMarkdown(result)),
  ];
  // The latest full-size JSON, for bench/render-docs.mjs.
  if (!o.json) write(resolve(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 1)}\n`);
  console.error(`wrote ${written.map((p) => relative(process.cwd(), p) || p).join(', ')} (${result.meta.durationS} s)`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(e?.message ?? e);
    process.exitCode = 1;
  });
}
