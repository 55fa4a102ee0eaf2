// Helpers shared by scripts/pack-test.mjs and scripts/browser-test.mjs: running commands,
// packing the package once, and a tiny check/summary harness that ends with the plain
// `N passed, N failed` line.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** npm flags for every install the tests make: quiet, no audit, no fund, no update check. */
export const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error', '--no-update-notifier'];

/**
 * Runs a command; on failure throws an Error carrying its output.
 * @returns stdout
 */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`\`${cmd} ${args.join(' ')}\` (in ${opts.cwd ?? process.cwd()}) exited ${r.status}:\n${out}`);
  }
  return r.stdout;
}

export const npm = (args, opts) => run('npm', args, opts);

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `simdconv-${prefix}-`));
}

/**
 * The package tarball to test: $SIMDCONV_TGZ if set, else `npm pack` of the repository (which
 * runs `prepare`, i.e. the whole build) into a fresh temp directory.
 * @returns absolute path of the .tgz
 */
export function packTarball(log = console.log) {
  if (process.env.SIMDCONV_TGZ) {
    const p = resolve(process.env.SIMDCONV_TGZ);
    if (!existsSync(p)) throw new Error(`SIMDCONV_TGZ=${p} does not exist`);
    log(`using tarball ${p}`);
    return p;
  }
  const dest = tempDir('pack');
  const t0 = Date.now();
  log('npm pack (runs prepare = npm run build) ...');
  npm(['pack', '--pack-destination', dest, '--loglevel=error'], { cwd: ROOT });
  const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no .tgz into ${dest}`);
  log(`packed ${tgz} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return join(dest, tgz);
}

/** Files in a tarball (paths without the leading `package/`). */
export function tarballFiles(tgz) {
  return execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

/** A list of named checks, run in order, that prints PASS/FAIL lines and a closing summary. */
export class Checks {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
  }

  /** Runs `fn` (sync or async); a throw is a failure. Returns fn's value, or undefined on failure. */
  async check(name, fn) {
    const t0 = Date.now();
    try {
      const v = await fn();
      this.passed++;
      console.log(`PASS ${name} (${Date.now() - t0} ms)`);
      return v;
    } catch (e) {
      this.failed++;
      this.failures.push(name);
      console.log(`FAIL ${name} (${Date.now() - t0} ms)\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
      return undefined;
    }
  }

  /** Prints the summary line and sets the exit code. */
  finish() {
    if (this.failures.length) console.log(`failed: ${this.failures.join('; ')}`);
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed ? 1 : 0;
  }
}

/** Throws unless `cond`. */
export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
