/**
 * `simdconv bench`: the command line of the benchmark suite. Parses the options, loads the built
 * library (dist/index.js) and the peers, runs the suite (run.mjs), prints the table to stdout
 * (progress on stderr) and writes JSON, HTML and markdown reports into the directory it is run
 * from (./simdconv-bench/, or --out): an installed package's own folder is wiped by the next install.
 *
 *   node --experimental-wasm-relaxed-simd bench/cli.mjs bench [options]
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runSuite, ALL_PATHS, ALL_LAYOUTS, threadsText, threadsMarkdown, threadsHtml } from './run.mjs';
import { PEER_NAMES } from './peers/index.mjs';
import { ORT_NODE_INSTALL } from './peers/ort.mjs';
import { toText, toHtml, toMarkdown } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the reports go without --out, relative to the current directory. */
export const DEFAULT_OUT = 'simdconv-bench';

export const USAGE = `Usage: simdconv bench [options]

Times simdconv's paths on the 18 reference layers and the kernel micro-benchmarks, with
TensorFlow.js (wasm, cpu) and onnxruntime-web in the same run when they are installed, and
onnxruntime-node (native code: what the machine does outside wasm) when it is.
In a project that installed simdconv: npm i -D benchmark (the timer), and for the peers
@tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-cpu onnxruntime-web;
for the native reference ${ORT_NODE_INSTALL}
(the variable stops its install script from downloading GPU libraries).
A full run takes about 15 minutes on 2 cores (--threads 1,2: about half as long again, for the
threaded paths and peers); --quick checks the setup in a minute or two.

Options:
  --layers <filter>     comma-separated names, substrings or conv types
                        (e.g. mbv1.dw1,resnet or depthwise or gemm); default: all but the
                        1-D and 3-D layers, which run when named (conv1d, conv3d, w2v.fe0, ...)
  --paths <list>        simdconv paths, default ${ALL_PATHS.join(',')}
  --layout <list>       NCHW and/or NHWC, default NCHW,NHWC (the first is the table's)
  --peers [list]        compare with peers (default: those that resolve among
                        ${PEER_NAMES.join(', ')})
  --no-peers            simdconv only
  --threads <list>      thread counts, e.g. 1,2: every layer at each count, simdconv (its
                        threaded paths) beside onnxruntime-web (numThreads), onnxruntime-node
                        (intraOpNumThreads) and tfjs-wasm (one thread only in Node), in the same
                        rounds; adds a threads table (speed-up over one thread per contender,
                        simdconv over the faster peer at each count, and "machine @N/@1": the
                        ceiling loop on N threads at once over one, sampled in every round,
                        what this host gave). Default: one thread
  --quick               a few iterations only: a smoke run, not a measurement
  --no-ceilings         do not measure the ceilings of the paths (bench/ceiling.mjs), nor
                        the layers' share of them
  --out <dir>           directory of the reports (default ./${DEFAULT_OUT}): bench-<date>.html,
                        .json and .md, and latest.json (a copy of the last JSON)
  --json <file>         JSON results (default <out>/bench-<date>.json)
  --html <file>         HTML report (default <out>/bench-<date>.html)
  --markdown <file>     markdown tables (default <out>/bench-<date>.md)
  --lib <file>          the simdconv ESM build to time (default dist/index.js)
  -h, --help            this text

Relaxed SIMD needs --experimental-wasm-relaxed-simd on Node 20/21 (the simdconv bin adds it).`;

function list(v, allowed, what) {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!allowed.includes(i)) throw new Error(`bench: unknown ${what} '${i}' (expected ${allowed.join(', ')})`);
  return items;
}

/** `--threads 1,2`: distinct positive integers, in the order given (the first is the report's). */
export function threadList(v) {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  const counts = items.map(Number);
  if (!counts.length || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) throw new Error(`bench: --threads ${v}: expected counts from 1 to 64, e.g. 1,2`);
  if (new Set(counts).size !== counts.length) throw new Error(`bench: --threads ${v} repeats a count`);
  return counts;
}

/** Parse the arguments after the `bench` command. */
export function parseArgs(argv) {
  const o = { filter: '', paths: ALL_PATHS, layouts: ALL_LAYOUTS, peers: PEER_NAMES, threads: null, quick: false, ceilings: true, out: DEFAULT_OUT, json: null, html: null, markdown: null, lib: null, help: false };
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
      case '--threads': o.threads = threadList(value()); break;
      case '--quick': o.quick = true; break;
      case '--no-ceilings': o.ceilings = false; break;
      case '--out': o.out = value(); break;
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
  const { lib, path: libPath } = await loadLibrary(o.lib);
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
    threads: o.threads ?? undefined,
    // One instance of the build per further thread count: the query makes the import a new module
    // (the build is one self-contained file), with its own registry, memory and pool.
    libFor: (n) => import(`${pathToFileURL(libPath).href}?threads=${n}`),
    progress: (m) => progress.line(m),
  });
  progress.done();
  console.log(toText(result) + threadsText(result));
  const stamp = result.meta.date.replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const out = resolve(o.out);
  const def = (ext) => resolve(out, `bench-${stamp}.${ext}`);
  const json = `${JSON.stringify(result, null, 1)}\n`;
  const page = toHtml(result);
  const withThreads = page.lastIndexOf('</body>') >= 0 ? page.replace(/<\/body>(?![\s\S]*<\/body>)/, `${threadsHtml(result)}</body>`) : page + threadsHtml(result);
  const html = write(o.html ? resolve(o.html) : def('html'), withThreads);
  const md = write(o.markdown ? resolve(o.markdown) : def('md'), toMarkdown(result) + threadsMarkdown(result));
  const data = write(o.json ? resolve(o.json) : def('json'), json);
  // The latest JSON under a fixed name, which bench/render-docs.mjs reads by default.
  if (!o.json) write(resolve(out, 'latest.json'), json);
  const show = (p) => relative(process.cwd(), p) || p;
  console.error(`simdconv bench: done in ${result.meta.durationS} s. Reports: ${show(html)} (open it in a browser), `
    + `${show(md)} (the tables as markdown), ${show(data)} (every figure)`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(e?.message ?? e);
    process.exitCode = 1;
  });
}
