/**
 * The pool's worker, as a string the package carries: Node runs it with
 * `new Worker(source, { eval: true })`, browsers from a Blob URL of the same text, so no file has
 * to be located and no bundler has to understand a worker entry. Plain ES2017, no imports.
 *
 * The worker gets one message, { module, memory, ctl, index, scratch, names, spin }: it
 * instantiates the threaded build on the shared memory, sets its scratch block, answers
 * { type: 'ready' } (or { type: 'error', message }) and from then on only reads the control block,
 * never the message queue. The protocol is pool.ts's; the layout constants below are the ones it
 * writes (CTL), so the two cannot drift apart.
 */

/**
 * The control block, an Int32Array on its own SharedArrayBuffer: slot indices. GEN apart from the
 * counters every task writes (NEXT, DONE), each on its own 64-byte line, so spinning workers do not
 * see their line bounce on every task.
 */
export const CTL = {
  /** Even: no run open; odd: a run is open. Bumped by the caller (open, close, quit); workers wait on it. */
  GEN: 0,
  /**
   * 1: workers leave their loop (set before a GEN bump). 2 (tests only): a worker that takes a
   * task stops on the spot without finishing it, as a crashed thread would.
   */
  QUIT: 1,
  /** Workers sleeping in Atomics.wait on GEN (the caller notifies only when some are). */
  SLEEPERS: 2,
  /** Spin iterations a worker polls GEN (or READY) before it sleeps, and the caller DONE. */
  SPIN: 3,
  /**
   * Workers that take part in runs: 1 .. ACTIVE. The others (more threads than cores) stay parked
   * on QUIT until the pool closes.
   */
  ACTIVE: 4,
  /** The next task to take (Atomics.add). */
  NEXT: 16,
  /** Tasks finished, failed or skipped. */
  DONE: 32,
  /** 1 while the caller sleeps on DONE or on a worker's STATE: whoever changes them notifies. */
  WAITING: 33,
  /** Tasks of the open run. */
  COUNT: 48,
  /** Byte address of the task table in wasm memory (8-aligned; as u32). */
  ARGS: 49,
  /** f64 slots per task row: [export id, arguments...]. */
  STRIDE: 50,
  /** 0, or 1 + the first task that threw; later tasks are skipped. */
  FAILED: 51,
  /** Workers that stopped (a worker's exit hook, or the caller's probe). */
  DEAD: 52,
  /** UTF-16 units of the failure message at MSG_BYTE. */
  MSG_LEN: 53,
  /** The argument a worker offsets by its index times PT_BYTES (scratch per thread), or -1. */
  PT_ARG: 54,
  /** Bytes of one thread's scratch for PT_ARG. */
  PT_BYTES: 55,
  /**
   * Tasks whose input is in place: task t starts once READY > t. The caller raises it as it copies
   * a run's input in (pool.ts, Feed); a run without a feed opens with it at COUNT.
   */
  READY: 56,
  /** Workers sleeping in Atomics.wait on READY (the caller notifies only when some are). */
  READY_SLEEPERS: 57,
  /** Per worker i (1 .. 63): STATE + i is 0 idle, 1 inside a run, 2 stopped. */
  STATE: 64,
  /** Byte offset of the failure message (UTF-16). */
  MSG_BYTE: 512,
  /** Longest failure message kept, in UTF-16 units. */
  MSG_UNITS: 1024,
  /** Bytes of the control block. */
  BYTES: 512 + 2048,
} as const;

/** Most arguments of an export a task may call. */
export const MAX_TASK_ARGS = 32;

/** The worker's code. */
export const WORKER_SOURCE = `'use strict';
(function () {
  var C = ${JSON.stringify(CTL)};
  var MAX_ARGS = ${MAX_TASK_ARGS};
  var node = typeof process === 'object' && process !== null && !!process.versions && typeof process.versions.node === 'string';
  // the pool starts Node workers only where process.getBuiltinModule exists (src/loader/threads.ts)
  var port = node ? process.getBuiltinModule('node:worker_threads').parentPort : self;
  function post(m) { port.postMessage(m); }
  function describe(e) {
    if (e && typeof e === 'object') return String(e.name || 'Error') + ': ' + String(e.message);
    return String(e);
  }
  function start(m) {
    var ctl = new Int32Array(m.ctl);
    var me = m.index;
    var memory = m.memory;
    var fns, arity, names = m.names;
    try {
      var instance = new WebAssembly.Instance(m.module, { env: {
        memory: memory,
        abort: function () { throw new Error('abort called in wasm'); }
      } });
      var ex = instance.exports;
      ex.set_thread_scratch(m.scratch);
      fns = []; arity = [];
      for (var i = 0; i < names.length; i++) {
        var f = ex[names[i]];
        if (typeof f !== 'function') throw new Error('the module has no export ' + names[i]);
        fns.push(f); arity.push(f.length);
      }
    } catch (e) {
      post({ type: 'error', message: describe(e) });
      return;
    }
    var argv = [];
    for (var n = 0; n <= MAX_ARGS; n++) argv.push(new Array(n).fill(0));
    var msg = new Uint16Array(m.ctl, C.MSG_BYTE, C.MSG_UNITS);
    var buf = null, f64 = null;
    var quitting = false, dead = false;

    function markDead() {
      if (dead || quitting) return;
      dead = true;
      Atomics.store(ctl, C.STATE + me, 2);
      Atomics.add(ctl, C.DEAD, 1);
      Atomics.notify(ctl, C.DONE);
      Atomics.notify(ctl, C.STATE + me);
    }
    // t: the task that threw, or -1 for a fault of the loop itself
    function fail(t, e) {
      if (Atomics.compareExchange(ctl, C.FAILED, 0, t >= 0 ? t + 1 : 0x7fffffff) !== 0) return;
      var id = t >= 0 && f64 !== null ? f64[(ctl[C.ARGS] >>> 3) + t * ctl[C.STRIDE]] : -1;
      var s = describe(e) + ' (worker ' + me + (t >= 0 ? ', task ' + t : '') + (names[id] ? ', ' + names[id] : '') + ')';
      var len = Math.min(s.length, C.MSG_UNITS);
      for (var k = 0; k < len; k++) msg[k] = s.charCodeAt(k);
      Atomics.store(ctl, C.MSG_LEN, len);
    }
    function crash() {
      if (node) process.exit(70);
      throw new Error('worker ' + me + ' crashed on purpose');
    }
    // the caller is still copying task t's input in: poll, then sleep until it says more is there
    function waitReady(t) {
      var r = Atomics.load(ctl, C.READY);
      for (var spin = ctl[C.SPIN]; r <= t && spin > 0; spin--) r = Atomics.load(ctl, C.READY);
      while (r <= t) {
        Atomics.add(ctl, C.READY_SLEEPERS, 1);
        Atomics.wait(ctl, C.READY, r, 50);
        Atomics.sub(ctl, C.READY_SLEEPERS, 1);
        r = Atomics.load(ctl, C.READY);
      }
    }
    function work() {
      var count = ctl[C.COUNT];
      var stride = ctl[C.STRIDE];
      var base = ctl[C.ARGS] >>> 3;
      var ptArg = ctl[C.PT_ARG];
      var ptAdd = me * ctl[C.PT_BYTES];
      if (memory.buffer !== buf) { buf = memory.buffer; f64 = new Float64Array(buf); }
      for (;;) {
        var t = Atomics.add(ctl, C.NEXT, 1);
        if (t >= count) return;
        if (ctl[C.QUIT] === 2) crash();
        if (Atomics.load(ctl, C.READY) <= t) waitReady(t);
        if (Atomics.load(ctl, C.FAILED) === 0) {
          try {
            var o = base + t * stride;
            var id = f64[o];
            var f = fns[id];
            var n = arity[id];
            var a = argv[n];
            for (var k = 0; k < n; k++) a[k] = f64[o + 1 + k];
            if (ptArg >= 0 && ptArg < n) a[ptArg] += ptAdd;
            f.apply(undefined, a);
          } catch (e) {
            fail(t, e);
          }
        }
        if (Atomics.add(ctl, C.DONE, 1) === count - 1 && Atomics.load(ctl, C.WAITING) !== 0) Atomics.notify(ctl, C.DONE);
      }
    }
    // past the cores: no run, no polling, until the pool closes (QUIT 2, a test's, keeps it parked)
    function park() {
      for (;;) {
        var q = Atomics.load(ctl, C.QUIT);
        if (q === 1) { quitting = true; return; }
        Atomics.wait(ctl, C.QUIT, q);
      }
    }
    function loop() {
      if (me > ctl[C.ACTIVE]) return park();
      // GEN is 0 until every worker is ready: a run opened before this line is joined, not missed
      var seen = 0;
      for (;;) {
        var g = Atomics.load(ctl, C.GEN);
        for (var spin = ctl[C.SPIN]; g === seen && spin > 0; spin--) g = Atomics.load(ctl, C.GEN);
        while (g === seen) {
          Atomics.add(ctl, C.SLEEPERS, 1);
          Atomics.wait(ctl, C.GEN, seen);
          Atomics.sub(ctl, C.SLEEPERS, 1);
          g = Atomics.load(ctl, C.GEN);
        }
        seen = g;
        if (Atomics.load(ctl, C.QUIT) === 1) { quitting = true; return; }
        if ((g & 1) === 0) continue;
        // announce, then check the run is still the one seen: the caller reuses the run's
        // parameters only once every worker's STATE is back to 0
        Atomics.store(ctl, C.STATE + me, 1);
        if (Atomics.load(ctl, C.GEN) === g) work();
        Atomics.store(ctl, C.STATE + me, 0);
        if (Atomics.load(ctl, C.WAITING) !== 0) Atomics.notify(ctl, C.STATE + me);
      }
    }

    if (node) process.on('exit', markDead);
    post({ type: 'ready' });
    try {
      loop();
    } catch (e) {
      fail(-1, e);
    } finally {
      markDead();
    }
    if (node) process.off('exit', markDead);
    else self.close();
  }
  if (node) port.once('message', start);
  else self.onmessage = function (e) { self.onmessage = null; start(e.data); };
})();
`;
