// The threads table, out of bench/run.mjs (which re-exports it): text, HTML and markdown.
import { WASM_PEERS, NATIVE_PEERS } from '../peers/index.mjs';
import { sameRunRatio, geomean } from '../report.mjs';
import { median } from '../ceiling.mjs';

/**
 * The threads table of a `bench --threads` run (runSuite: `rows` at the first count, `threadRows`
 * at the others): per layer, in the primary layout, the ms of simdconv's default path ('auto') and
 * of each peer at every count, each contender's speed-up over its own one-thread time, and
 * simdconv at N over the faster wasm peer at N (tfjs-wasm, ort-web) and over onnxruntime-node at
 * N when it ran. Every ratio is the median of the per-round ratios (the counts of a layer are timed
 * in the same interleaved rounds); geomeans over the layers where both sides ran.
 * "CPU/wall" is the process's CPU time over the wall time of a contender's windows: near N when its
 * N threads ran, near 1 when it stayed on one.
 * "machine @N/@1" is what the host gave: the ceiling loop on N threads at once over one thread
 * (run/machine.mjs), sampled once per round right before simdconv's first window at N, the median
 * of the layer's rounds; a layer's @N/@1 cannot exceed it by much.
 */

const THREAD_PEERS = [...WASM_PEERS, ...NATIVE_PEERS];
const fmt2 = (x, d = 2) => (x == null || !Number.isFinite(x) ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const times = (v) => (v == null ? '' : `${fmt2(v)}x`);
/** The median of the finite values, null for none. */
const finiteMedian = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length ? median(s) : null;
};

/** Targets of issue 20 (PERF.md), shown beside the figures; figures, not tests. */
export const THREAD_TARGETS = {
  speedupGeo: 1.7, // simdconv at two threads over one, geomean
  vsPeerEvery: 1.0, // simdconv at two threads over the faster wasm peer at two, every layer
  vsPeerGeo: 1.5, // the same, geomean
};

/**
 * @param {object} result what run.mjs returns for a --threads run
 * @returns {{ counts: number[], path: string, contenders: string[], rows: object[], geo: object } | null}
 *   rows[i] = { case, type, cells: { '<contender>@<n>': { ms, speedup, cpuPerWall, status, note } },
 *   vsPeer: { <n>: { ratio, peer } }, vsNative: { <n>: ratio }, machine: { <n>: median of the
 *   case's round ratios } }; geo.machine[n] their geomean; machine[n] = { median, min, max, rounds }
 *   over all the rounds of all the layers (n > 1 where the thread ceiling ran)
 */
export function summarizeThreads(result) {
  const counts = result.meta.threads?.counts;
  if (!counts) return null;
  const all = [...result.rows, ...(result.threadRows ?? [])];
  const primary = result.meta.primaryLayout;
  const path = result.meta.autoBackend;
  const contenders = [path, ...THREAD_PEERS.filter((p) => all.some((r) => r.contender === p))];
  const find = (c, name, n) => all.find((r) => r.case === c && r.contender === name && r.threads === n && (r.kind === 'peer' || r.layout === primary));
  const ok = (r) => (r?.status === 'ok' && r.medianMs ? r : null);
  const rows = [];
  for (const info of result.cases) {
    if (info.suite === 'kernels') continue; // the micro-benchmarks have no peers: the layers only
    const cells = {};
    for (const name of contenders) {
      for (const n of counts) {
        const r = find(info.case, name, n);
        if (!r) continue;
        const one = counts.includes(1) && n !== 1 ? ok(find(info.case, name, 1)) : null;
        cells[`${name}@${n}`] = {
          ms: ok(r)?.medianMs ?? null, status: r.status, note: r.note, cpuPerWall: ok(r)?.cpuPerWall ?? null,
          speedup: ok(r) && one ? sameRunRatio(r, one) : null,
        };
      }
    }
    const vsPeer = {};
    const vsNative = {};
    for (const n of counts) {
      const me = ok(find(info.case, path, n));
      const peers = WASM_PEERS.map((p) => ok(find(info.case, p, n))).filter(Boolean);
      const best = peers.length ? peers.reduce((a, b) => (a.medianMs <= b.medianMs ? a : b)) : null;
      if (me && best) vsPeer[n] = { ratio: sameRunRatio(me, best), peer: best.contender };
      const nat = NATIVE_PEERS.map((p) => ok(find(info.case, p, n))).find(Boolean);
      if (me && nat) vsNative[n] = sameRunRatio(me, nat);
    }
    const machine = {};
    for (const n of counts) if (info.machine?.[n]?.length) machine[n] = finiteMedian(info.machine[n]);
    rows.push({ case: info.case, type: info.type, cells, vsPeer, vsNative, machine });
  }
  const geo = { speedup: {}, vsPeer: {}, vsPeerMin: {}, vsNative: {}, machine: {} };
  for (const name of contenders) for (const n of counts) geo.speedup[`${name}@${n}`] = geomean(rows.map((r) => r.cells[`${name}@${n}`]?.speedup));
  for (const n of counts) {
    const v = rows.map((r) => r.vsPeer[n]?.ratio).filter((q) => q != null);
    geo.vsPeer[n] = geomean(v);
    geo.vsPeerMin[n] = v.length ? Math.min(...v) : null;
    geo.vsNative[n] = geomean(rows.map((r) => r.vsNative[n]));
    geo.machine[n] = geomean(rows.map((r) => r.machine[n]));
  }
  // every round's ratio of the layers in the table, pooled
  const machine = {};
  for (const n of counts) {
    const all = result.cases.filter((i) => i.suite !== 'kernels').flatMap((i) => i.machine?.[n] ?? []).filter((x) => Number.isFinite(x));
    if (all.length) machine[n] = { median: finiteMedian(all), min: Math.min(...all), max: Math.max(...all), rounds: all.length };
  }
  return { counts, path, contenders, rows, geo, machine };
}

function grid(sum) {
  const { counts } = sum;
  const more = counts.filter((n) => n !== 1 && counts.includes(1));
  // the machine's @n/@1 beside the path's, for the counts the thread ceiling sampled
  const mach = more.filter((n) => sum.machine[n]);
  const withMachine = (c) => c === sum.path;
  const head = ['layer'];
  for (const c of sum.contenders) {
    for (const n of counts) head.push(`${c} @${n} ms`);
    for (const n of more) head.push(`${c} @${n}/@1`);
    if (withMachine(c)) for (const n of mach) head.push(`machine @${n}/@1`);
  }
  for (const n of counts) head.push(`simdconv/best peer @${n}`);
  const native = sum.contenders.some((c) => NATIVE_PEERS.includes(c));
  if (native) for (const n of counts) head.push(`simdconv/native @${n}`);
  const cell = (c) => {
    if (!c) return '';
    if (c.ms != null) return fmt2(c.ms, 3);
    return { unsupported: 'n/a', mismatch: 'mismatch', error: 'error' }[c.status] ?? '';
  };
  const body = sum.rows.map((r) => {
    const line = [r.case];
    for (const c of sum.contenders) {
      for (const n of counts) line.push(cell(r.cells[`${c}@${n}`]));
      for (const n of more) line.push(times(r.cells[`${c}@${n}`]?.speedup));
      if (withMachine(c)) for (const n of mach) line.push(times(r.machine[n]));
    }
    for (const n of counts) line.push(r.vsPeer[n] ? `${times(r.vsPeer[n].ratio)} ${r.vsPeer[n].peer}` : '');
    if (native) for (const n of counts) line.push(times(r.vsNative[n]));
    return line;
  });
  const foot = ['geomean'];
  for (const c of sum.contenders) {
    for (const n of counts) foot.push('');
    for (const n of more) foot.push(times(sum.geo.speedup[`${c}@${n}`]));
    if (withMachine(c)) for (const n of mach) foot.push(times(sum.geo.machine[n]));
  }
  for (const n of counts) foot.push(sum.geo.vsPeer[n] ? `${times(sum.geo.vsPeer[n])} (min ${times(sum.geo.vsPeerMin[n])})` : '');
  if (native) for (const n of counts) foot.push(times(sum.geo.vsNative[n]));
  // CPU/wall of each contender at each count: medians over the layers
  const cpu = ['CPU/wall (median)'];
  const med = (v) => { const s = v.filter((q) => q != null).sort((a, b) => a - b); return s.length ? s[s.length >> 1] : null; };
  for (const c of sum.contenders) {
    for (const n of counts) cpu.push(fmt2(med(sum.rows.map((r) => r.cells[`${c}@${n}`]?.cpuPerWall))));
    for (const n of more) cpu.push('');
    if (withMachine(c)) for (const n of mach) cpu.push('');
  }
  while (cpu.length < head.length) cpu.push('');
  // (a browser run has no CPU time to read)
  return { head, body: cpu.slice(1).some((v) => v) ? [...body, foot, cpu] : [...body, foot] };
}

function intro(result, sum) {
  const t = result.meta.threads;
  const lines = [`Threads: ${sum.counts.join(', ')}; simdconv path ${sum.path} (auto), layout ${result.meta.primaryLayout}; `
    + `ratios are medians of per-round ratios (${result.rows.find((r) => r.rounds)?.rounds ?? '?'} interleaved rounds).`];
  for (const [n, th] of Object.entries(t.libs ?? {})) if (th) lines.push(`simdconv @${n}: threads() = ${th.count}${th.reason ? ` (${th.reason})` : ''}`);
  for (const [k, label] of Object.entries(t.peers ?? {})) lines.push(`${k}: ${label}`);
  for (const n of sum.counts) {
    const m = sum.machine[n];
    if (!m || !sum.counts.includes(1)) continue;
    lines.push(`machine @${n}/@1: the FMA ceiling loop (${t.machine?.loop ?? 'bench/ceiling.mjs'}) on ${n} threads at once over one thread, sampled in every round: `
      + `what this host gave; a layer's @${n}/@1 cannot exceed it by much. Median over all ${m.rounds} rounds ${times(m.median)} (min ${times(m.min)}, max ${times(m.max)}).`);
  }
  if (t.machine?.unavailable) lines.push(`machine @n/@1: not measured (${t.machine.unavailable})`);
  const two = sum.counts.includes(2) && sum.counts.includes(1) ? 2 : null;
  if (two) {
    const mach2 = sum.geo.machine[2] != null ? ` (machine @2/@1 geomean ${times(sum.geo.machine[2])})` : '';
    lines.push(`Targets (figures, not tests): ${sum.path} @2/@1 geomean >= ${THREAD_TARGETS.speedupGeo}x: ${times(sum.geo.speedup[`${sum.path}@2`]) || '-'}${mach2}; `
      + `simdconv @2 over the faster wasm peer @2 every layer >= ${THREAD_TARGETS.vsPeerEvery}x: min ${times(sum.geo.vsPeerMin[2]) || '-'}, geomean >= ${THREAD_TARGETS.vsPeerGeo}x: ${times(sum.geo.vsPeer[2]) || '-'}.`);
  }
  return lines;
}

/** The threads table as text (stdout), or '' for a run without --threads. */
export function threadsText(result) {
  const sum = summarizeThreads(result);
  if (!sum) return '';
  const { head, body } = grid(sum);
  const all = [head, ...body];
  const w = head.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length)));
  const line = (r) => r.map((v, j) => (j === 0 ? (v ?? '').padEnd(w[j]) : (v ?? '').padStart(w[j]))).join('  ');
  return `\n${intro(result, sum).join('\n')}\n${all.map(line).join('\n')}\n`;
}

/** The threads table as an HTML section (for the report page, before its end), or ''. */
export function threadsHtml(result) {
  const sum = summarizeThreads(result);
  if (!sum) return '';
  const { head, body } = grid(sum);
  const esc = (v) => String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // class "n": the report page's right-aligned number cells
  const tr = (r, tag) => `<tr>${r.map((v, i) => `<${tag}${i ? ' class="n"' : ''}>${esc(v)}</${tag}>`).join('')}</tr>`;
  const [first, ...rest] = intro(result, sum);
  return `<h2 id="threads">Threads</h2>\n<p>${esc(first)}</p>\n<ul>${rest.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>\n`
    + `<table><thead>${tr(head, 'th')}</thead><tbody>${body.map((r) => tr(r, 'td')).join('\n')}</tbody></table>\n`;
}

/** The threads table as markdown, or ''. */
export function threadsMarkdown(result) {
  const sum = summarizeThreads(result);
  if (!sum) return '';
  const { head, body } = grid(sum);
  const md = (r) => `| ${r.join(' | ')} |`;
  const [first, ...rest] = intro(result, sum);
  return `\n## Threads\n\n${first}\n\n${rest.map((l) => `- ${l}`).join('\n')}\n\n${md(head)}\n${md(head.map((_, j) => (j ? '---:' : '---')))}\n${body.map(md).join('\n')}\n`;
}
