/**
 * The igemm micro-kernels (assembly/gemm/igemm.ts; family igemm of bench/kernels/list.cjs): every
 * tile of every build against float64 loops, on XNNPACK's boundaries of the kernel's tile (k
 * around the 4 channels of the relaxed 2x16 loop, n around nr, m below mr, taps, zero rows,
 * a_offset, qmin, qmax, strided_cm) and the last panel of at most 8 columns (the 2x8 tile of the
 * SIMD builds' 2x16 panel).
 */
import { IgemmTester } from './igemm-tester';
import { Case, describeKernels, Entry, many, one, range, unique } from '../kernels';

type E = Entry<'igemm'>;

function cases(e: E): Case<E>[] {
  const t = () => new IgemmTester().mr(e.mr).nr(e.nr);
  const ms = range(1, e.mr);
  return [
    {
      name: 'tile: the build exports the tile the list names',
      run: ({ h }) => {
        if (e.export !== 'run_igemm_nhwc_f32') return;
        expect([h.mr, h.nr]).toEqual([e.mr, e.nr]);
      },
    },
    one('k_eq_1', t().k(1)),
    many('k_lt_4', [1, 2, 3].map((k) => t().k(k))),
    one('k_eq_4', t().k(4)),
    many('k_div_4', [4, 8, 64].map((k) => t().k(k))),
    many('k_gt_4', [5, 7, 13, 129].map((k) => t().k(k))),
    // the relaxed 2x16 loop runs 4 channels per trip and leaves after any of them: every exit,
    // with taps and panels so that the weights pointer must land on the next tap's rows each time
    many('k_exits_subtile: k 1..12, 3 taps, 3 panels, every m', ms.flatMap((m) => range(1, 12).map((k) => t().m(m).k(k).ks(3).n(37)))),
    many('n_eq_nr', [5, 9].map((k) => t().n(e.nr).k(k))),
    many('n_lt_nr', range(1, e.nr - 1).map((n) => t().n(n).k(5))),
    many('n_gt_nr', [
      ...range(e.nr + 1, 2 * e.nr - 1).map((n) => t().n(n).k(5)),
      ...[9, 11, 13, 15, 17, 19, 23, 25, 31, 33].map((n) => t().n(n).k(6)),
    ]),
    many('n_div_nr', [
      ...unique([2 * e.nr, 3 * e.nr, 16, 24, 32, 48, 64]).map((n) => t().n(n).k(3)),
      t().n(2 * e.nr).k(9),
    ]),
    many('n_subtile: n 1..28 through the 8|4|2|1-lane tails, every m', ms.flatMap((m) => range(1, 28).map((n) => t().n(n).k(2).m(m)))),
    many('last_panel_le_8: every exit of its k loop, taps, zero rows, a_offset, clamp', [1, 3, 4, 5, 8, 21, 24, 33].flatMap((n) => [
      ...range(1, 9).map((k) => t().n(n).k(k).ks(3)),
      t().n(n).k(6).ks(9).zeroEvery(3),
      t().n(n).k(5).ks(4).m(1).zeroEvery(2).aOffset(3),
      t().n(n).k(7).clamp(-0.2, 0.3),
    ])),
    many('m_lt_mr', ms.flatMap((m) => [3, 8, 13].map((n) => t().m(m).n(n).k(7)))),
    many('small_kernel: 3 and 9 taps', [t().ks(3).k(5).n(11), ...(e.mr >= 3 ? [t().ks(9).k(4).n(17).m(3)] : [])]),
    many('zero: padding taps', [t().ks(9).k(6).n(10).zeroEvery(3), t().ks(4).k(3).n(5).m(2).zeroEvery(2)]),
    one('a_offset: group channels, zero rows keep offset 0', t().ks(3).k(5).n(9).aOffset(7).zeroEvery(4)),
    one('qmin', t().n(13).k(9).qmin(0)),
    one('qmax', t().n(13).k(9).qmax(0.25)),
    one('qmin_qmax: relu6-like', t().n(16).k(33).ks(2).clamp(0, 1)),
    many('strided_cm: only n columns of each row are written', [
      t().n(5).k(4).cmStride(11), ...(e.mr >= 3 ? [t().n(9).k(4).m(3).cmStride(17)] : []),
    ]),
  ];
}

describeKernels('igemm', cases);
