/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) (assembly/conv/winograd.ts; family winograd of
 * bench/kernels/list.cjs) on the SIMD builds, against float64 loops: the weight transform, then
 * run_conv2d_winograd_f32 on output channels around the igemm's nr, input channels from 4, output
 * sizes below, at and above the tile (edge tiles half outside), padding on every side and beyond
 * the kernel, dilation 2 and 3 (tiles spread over the phases), batch > 1 (tiles of two images in
 * one block), blocks of fewer tiles than the layer (a last short block), NHWC and NCHW output,
 * qmin/qmax; nothing is written past the output.
 */
import { expectClose } from '../harness';
import { WinogradTester } from './winograd-tester';
import { Case, describeKernels, Entry, many, one } from '../kernels';

type E = Entry<'winograd'>;

/** The transforms' G matrices (assembly/conv/winograd.ts), tile m -> G ((m+2) x 3). */
const G_OF: Record<number, number[][]> = {
  2: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  4: [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [-1 / 3, 1 / 3, -1 / 3], [-16 / 15, -8 / 15, -4 / 15], [1 / 15, -2 / 15, 4 / 15],
    [0, 0, 1]],
};

function cases(e: E): Case<E>[] {
  const t = () => new WinogradTester();
  const none = (w: WinogradTester) => w.pad(0, 0, 0, 0);
  return [
    {
      name: 'weight transform: U = G g G^T',
      run: ({ h }) => {
        const g = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // one (ci, co): g[r][c] at canonical [r][c][0][0]
        const n = e.m + 2;
        const u = h.alloc(n * n);
        h.ex[e.weights](h.put(g), 1, 1, u);
        const got = h.get(u, n * n);
        h.reset();
        const G = G_OF[e.m];
        const want: number[] = [];
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) s += G[i][r] * g[r * 3 + c] * G[j][c];
          want.push(s);
        }
        expectClose(got, want, 'U');
      },
    },
    many('n_lt_nr', [4, 8, 12].map((co) => t().c(8).cout(co))),
    one('n_eq_nr', t().c(8).cout(e.nr)),
    many('n_gt_nr', [e.nr + 4, 2 * e.nr - 4].map((co) => t().c(8).cout(co))),
    one('n_div_nr', t().c(8).cout(2 * e.nr)),
    one('k_eq_4', t().c(4).cout(8)),
    many('k_gt_4', [8, 12, 20].map((c) => t().c(c).cout(8))),
    many('out_lt_tile', [none(t().size(3, 3)), none(t().size(e.m + 1, 3))]),
    one('out_eq_tile', none(t().size(e.m + 2, e.m + 2))),
    many('out_gt_tile: partial edge tiles', [none(t().size(e.m + 3, 2 * e.m + 3)), t().size(e.m + 1, 2 * e.m + 1)]),
    many('even and odd output sizes, padding 1', [t().size(6, 8).c(4).cout(16), t().size(7, 5).c(8).cout(20)]),
    many('asymmetric padding, padding beyond the kernel, none', [
      t().size(5, 9).c(12).cout(8).pad(0, 2, 3, 0),
      t().size(2, 3).c(4).cout(4).pad(4, 3, 4, 5),
      t().size(9, 9).c(16).cout(32).pad(0, 0, 0, 0),
    ]),
    many('dilation 2 and 3 (tiles over the phases)', [
      t().size(13, 11).c(8).cout(12).dilation(2).pad(2, 2, 2, 2),
      t().size(10, 17).c(4).cout(8).dilation(3).pad(3, 1, 2, 3),
    ]),
    many('batch 3 and blocks shorter than the layer (T = 6, 2 and a last short block)', [
      t().n(3).size(5, 7).c(8).cout(8).blockTiles(6),
      t().n(2).size(9, 6).c(4).cout(24).blockTiles(2),
    ]),
    many('NCHW output planes, with dilation and batch', [
      t().n(2).size(7, 9).c(8).cout(12).nchw(),
      t().size(12, 10).c(4).cout(8).dilation(2).pad(2, 2, 2, 2).nchw().blockTiles(10),
    ]),
    many('NCHW output rows of whole and partial tiles (widths 8, 9, 10, 11, 4 pixels)', [
      ...[8, 9, 10, 11, 4].map((w) => t().size(6, w).c(8).cout(12).nchw()),
      t().size(11, 12).c(4).cout(8).pad(0, 0, 0, 0).nchw(),
    ]),
    one('qmin / qmax (ReLU6)', t().size(8, 8).c(16).cout(16).clamp(0, 6)),
    one('many channels (sums of 9 x 256 products)', t().size(6, 6).c(256).cout(20)),
  ];
}

describeKernels('winograd', cases);
