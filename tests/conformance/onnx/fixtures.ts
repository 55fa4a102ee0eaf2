/**
 * Loads the ONNX Conv / ConvTranspose conformance vectors (fixtures/, copied from
 * /work/shared/conformance/onnx; see fixtures/README.md for the fields).
 */
import * as fs from 'fs';
import * as path from 'path';

export interface OnnxInput {
  name: string;
  role: 'X' | 'W' | 'B';
  shape: number[];
  data: number[];
}

export interface SimdconvCall {
  op: string;
  layout: 'NCHW';
  bias: boolean;
  options: {
    stride: [number, number];
    padding: [number, number, number, number];
    dilation: [number, number];
    groups: number;
    outputPadding?: [number, number];
  };
}

export interface OnnxVector {
  file: string;
  name: string;
  source: string;
  op: 'Conv' | 'ConvTranspose';
  rank: number;
  inputs: OnnxInput[];
  output: { name: string; shape: number[]; data: number[] };
  /** ONNX's attributes with the defaults filled in. */
  resolved?: { kernel_shape: number[]; strides: number[]; dilations: number[]; group: number; pads: number[]; output_padding?: number[] };
  simdconv: SimdconvCall | null;
}

export const FIXTURES = path.join(__dirname, 'fixtures');

/** Every vector, top level first, then pytorch-converted/, each sorted by file name. */
export function loadVectors(): OnnxVector[] {
  const out: OnnxVector[] = [];
  for (const dir of ['', 'pytorch-converted']) {
    const abs = path.join(FIXTURES, dir);
    for (const f of fs.readdirSync(abs).filter((n) => n.endsWith('.json')).sort()) {
      const v = JSON.parse(fs.readFileSync(path.join(abs, f), 'utf8'));
      out.push({ ...v, file: path.join(dir, f) });
    }
  }
  return out;
}

export function inputOf(v: OnnxVector, role: 'X' | 'W' | 'B'): { data: Float32Array; shape: number[] } | undefined {
  const i = v.inputs.find((t) => t.role === role);
  return i ? { data: Float32Array.from(i.data), shape: i.shape.slice() } : undefined;
}
