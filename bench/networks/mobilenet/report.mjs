// The table of bench/networks/mobilenet.mjs as text (stdout) and markdown (--markdown).

const fmt = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');

function tableRows(result) {
  const th = !!result.meta.threads;
  return result.rows.map((r) => [r.name, r.path, ...(th ? [String(r.threads)] : []), fmt(r.medianMs), `${fmt(r.coldMs, 0)} (${fmt(r.createMs, 0)}+${fmt(r.firstRunMs, 0)})`, fmt(r.gflops, 1),
    r.seqVsLayers ? `${fmt(r.seqVsLayers)}x` : '', r.seqVsBestPeer ? `${fmt(r.seqVsBestPeer)}x${th ? ` ${r.bestPeerAtCount}` : ''}` : '',
    ...(th ? [r.vsOneThread ? `${fmt(r.vsOneThread)}x` : ''] : []), r.check.maxAbs.toExponential(1)]);
}
const headOf = (result) => (result.meta.threads
  ? ['contender', 'path', 'threads', 'median ms', 'cold ms (create+1st)', 'GFLOP/s', 'seq vs one-by-one', 'seq vs best peer (same count)', 'vs 1 thread', 'max abs diff']
  : ['contender', 'path', 'median ms', 'cold ms (create+1st)', 'GFLOP/s', 'seq vs one-by-one', `seq vs best peer`, 'max abs diff']);

function header(result) {
  const m = result.meta;
  const th = m.threads ? `threads ${m.threads.counts.join(', ')} (simdconv threads(): ${Object.entries(m.threads.libs).map(([n, t]) => `@${n} ${t?.count}`).join(', ')}); ratios: medians of per-round ratios` : 'one thread';
  return `MobileNetV1 body (1.0, 224x224x3, 27 conv + ReLU6, ${fmt(m.macs / 1e6, 0)} MMAC), NCHW, batch 1, ${th}\n` +
    `node ${m.node} (V8 ${m.v8}) ${m.execArgv.join(' ')}; auto = ${m.autoBackend}; ${m.rounds} interleaved round(s)${m.quick ? ', QUICK (not a measurement)' : ''}; ` +
    `best peer: ${m.bestPeer ?? 'none'}; cold = create + first run after init()`;
}

function reluLine(result) {
  const a = result.activations;
  return `ReLU6 outputs per layer: zeros ${fmt(100 * Math.min(...a.map((r) => r.zeros)), 0)}-${fmt(100 * Math.max(...a.map((r) => r.zeros)), 0)}%, ` +
    `clamped at 6 ${fmt(100 * Math.min(...a.map((r) => r.sixes)), 2)}-${fmt(100 * Math.max(...a.map((r) => r.sixes)), 2)}%, ` +
    `rms ${fmt(Math.min(...a.map((r) => r.rms)))}-${fmt(Math.max(...a.map((r) => r.rms)))}`;
}

export function toText(result) {
  const HEAD = headOf(result);
  const rows = [HEAD, ...tableRows(result)];
  const wid = HEAD.map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const line = (r) => r.map((v, j) => (j < 2 ? v.padEnd(wid[j]) : v.padStart(wid[j]))).join('  ');
  let s = `${header(result)}\n${line(rows[0])}\n${rows.slice(1).map(line).join('\n')}\n${reluLine(result)}`;
  if (result.perLayer) {
    const keys = Object.keys(result.perLayer[0]).filter((k) => !['layer', 'type', 'macs'].includes(k));
    const pr = [['layer', 'MMAC', ...keys.map((k) => `${k} ms`), 'best peer / NCHW alone', 'best peer / in seq'],
      ...result.perLayer.map((r) => {
        const best = Math.min(...['tfjs-wasm', 'ort-web'].filter((k) => r[k]).map((k) => r[k]));
        return [r.layer, fmt(r.macs / 1e6, 1), ...keys.map((k) => fmt(r[k], 3)), fmt(best / r['simdconv NCHW']), fmt(best / r['in sequence (est)'])];
      })];
    const sums = keys.map((k) => result.perLayer.reduce((a, r) => a + (r[k] ?? 0), 0));
    pr.push(['sum', fmt(result.meta.macs / 1e6, 1), ...sums.map((v) => fmt(v, 3)), '', '']);
    const w2 = pr[0].map((_, j) => Math.max(...pr.map((r) => r[j].length)));
    s += `\n\nper layer on ${result.meta.perLayerPath}: alone = Float32Array in and out, bias, no activation (bench/cases.mjs layers, bench/peers); in sequence (est) = NHWC alone - copies; median of 3 interleaved rounds, ms:\n${pr.map((r) => r.map((v, j) => (j === 0 ? v.padEnd(w2[j]) : v.padStart(w2[j]))).join('  ')).join('\n')}`;
  }
  return s;
}

export function toMarkdown(result) {
  const md = (r) => `| ${r.join(' | ')} |`;
  const HEAD = headOf(result);
  let s = `${header(result)}\n\n${md(HEAD)}\n${md(HEAD.map((_, j) => (j < 2 ? '---' : '---:')))}\n${tableRows(result).map(md).join('\n')}\n\n${reluLine(result)}\n`;
  if (result.perLayer) {
    const keys = Object.keys(result.perLayer[0]).filter((k) => !['layer', 'type', 'macs'].includes(k));
    s += `\n${md(['layer', 'MMAC', ...keys.map((k) => `${k} ms`)])}\n${md(['---', ...Array(keys.length + 1).fill('---:')])}\n`;
    s += `${result.perLayer.map((r) => md([r.layer, fmt(r.macs / 1e6, 1), ...keys.map((k) => fmt(r[k], 3))])).join('\n')}\n`;
  }
  return s;
}
