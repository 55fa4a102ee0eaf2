// A small in-browser benchmark: a few of the reference layers (shapes from bench/layers.json of
// the shared suite), each a prepared layer, timed per backend; drawn as an inline-SVG bar chart
// and published on window.__bench for tests/browser.
import * as sc from 'simdconv';
import { mulberry32, randomArray, randomTensor } from '../../shared/demo.js';

// From layers.json (NCHW; weights OIHW, transposed IOHW).
const LAYERS = [
  { name: 'mbv1.dw1', type: 'depthwise', c: 32, h: 112, w: 112, cout: 32, k: 3, stride: 1, pad: 1 },
  { name: 'mbv1.pw3', type: 'pointwise', c: 128, h: 56, w: 56, cout: 128, k: 1, stride: 1, pad: 0 },
  { name: 'sep.56x128', type: 'separable', c: 128, h: 56, w: 56, cout: 128, k: 3, stride: 1, pad: 1 },
  { name: 'resnet.3x3.56', type: 'standard', c: 64, h: 56, w: 56, cout: 64, k: 3, stride: 1, pad: 1 },
  { name: 'deeplab.dil2', type: 'dilated', c: 256, h: 33, w: 33, cout: 256, k: 3, stride: 1, pad: 2, dilation: 2 },
  { name: 'resnext.g32', type: 'grouped', c: 128, h: 56, w: 56, cout: 128, k: 3, stride: 1, pad: 1, groups: 32 },
  { name: 'dcgan.up4x4', type: 'transposed', c: 256, h: 16, w: 16, cout: 128, k: 4, stride: 2, pad: 1 },
];

const params = new URLSearchParams(location.search);
const RUNS = Math.max(1, Number(params.get('runs') ?? 7) | 0);
document.getElementById('runs').textContent = String(RUNS);

/** A prepared layer for `L` on `backend`, its input, and its MACs. */
function prepare(L, backend, rand) {
  const x = randomTensor(rand, [1, L.c, L.h, L.w]);
  const opts = { stride: L.stride, padding: L.pad, backend };
  const k = L.k;
  switch (L.type) {
    case 'standard':
    case 'dilated':
    case 'grouped': {
      const o = { ...opts, dilation: L.dilation ?? 1, groups: L.groups ?? 1 };
      const w = randomTensor(rand, [L.cout, L.c / o.groups, k, k]);
      return { layer: sc.createConv2d(w, o), x, macs: sc.conv2dMacs(x.shape, w.shape, o) };
    }
    case 'depthwise': {
      const w = randomTensor(rand, [L.c, 1, k, k]);
      return { layer: sc.createDepthwiseConv2d(w, opts), x, macs: sc.depthwiseConv2dMacs(x.shape, w.shape, opts) };
    }
    case 'pointwise': {
      const w = randomTensor(rand, [L.cout, L.c, 1, 1]);
      return { layer: sc.createPointwiseConv2d(w, { backend }), x, macs: sc.pointwiseConv2dMacs(x.shape, w.shape) };
    }
    case 'separable': {
      const dw = randomTensor(rand, [L.c, 1, k, k]);
      const pw = randomTensor(rand, [L.cout, L.c, 1, 1]);
      return {
        layer: sc.createSeparableConv2d(dw, pw, opts),
        x,
        macs: sc.separableConv2dMacs(x.shape, dw.shape, pw.shape, opts),
      };
    }
    case 'transposed': {
      const w = randomTensor(rand, [L.c, L.cout, k, k]);
      return { layer: sc.createConvTranspose2d(w, opts), x, macs: sc.convTranspose2dMacs(x.shape, w.shape, opts) };
    }
    default:
      throw new Error(`unknown layer type ${L.type}`);
  }
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const tick = () => new Promise((r) => setTimeout(r, 0)); // let the page paint between layers

/** Times one layer on one backend: first call apart, then the median of RUNS. */
async function timeLayer(L, backend) {
  const { layer, x, macs } = prepare(L, backend, mulberry32(42));
  try {
    const out = new Float32Array(layer.run(x).data.length); // the warm-up call sizes `out`
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      layer.run(x, { out });
      times.push(performance.now() - t0);
      await tick();
    }
    const ms = median(times);
    return { layer: L.name, type: L.type, backend, ms, gflops: (2 * macs) / (ms * 1e6) };
  } finally {
    layer.dispose();
  }
}

const COLORS = ['#1b7f5b', '#3b6fb6', '#c4782b', '#8a55a8'];

/** A horizontal grouped bar chart of GFLOP/s, one group per layer, one bar per backend. */
function chart(rows, backends) {
  const layers = [...new Set(rows.map((r) => r.layer))];
  const max = Math.max(...rows.map((r) => r.gflops), 1e-9);
  const barH = 14, gap = 10, left = 130, width = 460, top = 28;
  const groupH = backends.length * barH + gap;
  const height = top + layers.length * groupH + 24;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`];
  backends.forEach((b, i) => {
    parts.push(`<rect x="${left + i * 130}" y="4" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${left + i * 130 + 16}" y="14">${b}</text>`);
  });
  layers.forEach((name, li) => {
    const y0 = top + li * groupH;
    parts.push(`<text x="${left - 6}" y="${y0 + (backends.length * barH) / 2 + 4}" text-anchor="end">${name}</text>`);
    backends.forEach((b, bi) => {
      const r = rows.find((q) => q.layer === name && q.backend === b);
      if (!r) return;
      const w = Math.max(1, (r.gflops / max) * width);
      const y = y0 + bi * barH;
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[bi % COLORS.length]}">` +
        `<title>${name} ${b}: ${r.ms.toFixed(2)} ms</title></rect>` +
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 4}">${r.gflops.toFixed(2)}</text>`);
    });
  });
  parts.push(`<text x="${left}" y="${height - 6}" fill="#666">GFLOP/s (longer is faster)</text></svg>`);
  return parts.join('');
}

async function main() {
  const app = document.getElementById('app');
  try {
    const picked = await sc.init();
    const backends = params.get('backends')?.split(',') ?? [picked, 'js'];
    for (const b of backends) if (b !== 'js' && b !== picked) await sc.init({ backend: b });
    await sc.init({ backend: picked }); // keep the automatic choice as the default
    const rows = [];
    for (const L of LAYERS) {
      for (const b of backends) {
        app.textContent = `timing ${L.name} on ${b}\u2026`;
        await tick();
        rows.push(await timeLayer(L, b));
      }
    }
    const table = rows
      .map((r) => `<tr><td>${r.layer}</td><td>${r.type}</td><td>${r.backend}</td><td class="num">${r.ms.toFixed(2)}</td><td class="num">${r.gflops.toFixed(2)}</td></tr>`)
      .join('');
    app.innerHTML = `<p>init() picked <b>${picked}</b></p>${chart(rows, backends)}` +
      `<table><thead><tr><th>layer</th><th>type</th><th>backend</th><th>median ms</th><th>GFLOP/s</th></tr></thead><tbody>${table}</tbody></table>`;
    window.__bench = { picked, runs: RUNS, rows };
  } catch (e) {
    app.innerHTML = `<p class="error">failed: ${String(e && e.stack ? e.stack : e)}</p>`;
    window.__error = String(e && e.stack ? e.stack : e);
    throw e;
  }
}

document.head.insertAdjacentHTML('beforeend', `<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; } h1 { font-size: 20px; }
.sub { color: #555; } table { border-collapse: collapse; margin-top: 12px; }
td, th { border: 1px solid #ccc; padding: 2px 8px; } td.num { text-align: right; font-family: ui-monospace, monospace; }
.error { color: #c00; white-space: pre-wrap; }</style>`);
main();
