/**
 * A float64 plain-loop reference of the 1-D and 3-D cases of the bench (PyTorch's F.conv1d,
 * F.conv3d, F.conv_transpose1d, F.conv_transpose3d), channels-first, batch 1, for checking the
 * peers' models on small shapes. Works at any spatial rank (the 2-D standard, dilated, grouped,
 * depthwise, pointwise and transposed cases too); every axis has the case's k, stride and
 * dilation, and the padding of bc.pads (begin / end per axis; transposed: cropped from the output).
 */

/** Row-major strides of a shape. */
function stridesOf(shape) {
  const st = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
  return st;
}

/** Every multi-index of a shape, in row-major order. */
function* indices(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    yield idx;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
}

/**
 * The reference output of a built case (bench/cases.mjs buildCase), channels-first, as a Float64Array.
 * @param {object} bc
 */
export function referenceNd(bc) {
  const s = bc.spec;
  if (s.type === 'separable') throw new Error('referenceNd: separable has two stages');
  const g = s.type === 'depthwise' ? s.c : s.groups ?? 1;
  const d = s.dilation ?? 1;
  const [, cin, ...inSp] = bc.xShape;
  const [, cout, ...outSp] = bc.outShape;
  const r = inSp.length;
  const ks = Array(r).fill(s.k);
  const x = bc.x.NCHW.data;
  const w = bc.weights[0].NCHW.data;
  const inPx = inSp.reduce((a, b) => a * b, 1);
  const outPx = outSp.reduce((a, b) => a * b, 1);
  const kk = ks.reduce((a, b) => a * b, 1);
  const inSt = stridesOf(inSp);
  const outSt = stridesOf(outSp);
  const y = new Float64Array(cout * outPx);
  for (let o = 0; o < cout; o++) y.fill(bc.bias[o], o * outPx, (o + 1) * outPx);
  const transposed = s.type.startsWith('convTranspose') || s.type === 'transposed';
  if (!transposed) {
    const cpg = cin / g;
    const opg = cout / g;
    for (let o = 0; o < cout; o++) {
      const grp = Math.floor(o / opg);
      for (const p of indices(outSp)) {
        let acc = 0;
        for (let ci = 0; ci < cpg; ci++) {
          const xc = (grp * cpg + ci) * inPx;
          let kf = 0;
          for (const q of indices(ks)) {
            let off = 0;
            let inside = true;
            for (let a = 0; a < r; a++) {
              const pos = p[a] * s.stride - bc.pads.begin[a] + q[a] * d;
              if (pos < 0 || pos >= inSp[a]) { inside = false; break; }
              off += pos * inSt[a];
            }
            if (inside) acc += w[(o * cpg + ci) * kk + kf] * x[xc + off];
            kf++;
          }
        }
        let po = 0;
        for (let a = 0; a < r; a++) po += p[a] * outSt[a];
        y[o * outPx + po] += acc;
      }
    }
    return y;
  }
  const ipg = cin / g;
  const opg = cout / g;
  for (let i = 0; i < cin; i++) {
    const grp = Math.floor(i / ipg);
    for (const q of indices(inSp)) {
      let qi = 0;
      for (let a = 0; a < r; a++) qi += q[a] * inSt[a];
      const xv = x[i * inPx + qi];
      for (let oc = 0; oc < opg; oc++) {
        const o = grp * opg + oc;
        let kf = 0;
        for (const t of indices(ks)) {
          let off = 0;
          let inside = true;
          for (let a = 0; a < r; a++) {
            const pos = q[a] * s.stride - bc.pads.begin[a] + t[a] * d;
            if (pos < 0 || pos >= outSp[a]) { inside = false; break; }
            off += pos * outSt[a];
          }
          if (inside) y[o * outPx + off] += xv * w[(i * opg + oc) * kk + kf];
          kf++;
        }
      }
    }
  }
  return y;
}
