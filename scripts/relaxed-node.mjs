#!/usr/bin/env node
/**
 * `node scripts/relaxed-node.mjs [node flags] <script> [args]` runs node on the script with
 * relaxed SIMD available: it adds --experimental-wasm-relaxed-simd on Node 20/21 only (Node 22+
 * has relaxed SIMD on and rejects the flag). package.json's test and bench scripts start through
 * it, so `npm test` and `npm run bench` run on every Node >= 20.
 */
import { spawnSync } from 'node:child_process';
import { relaxedFlags } from '../bin/relaxed-simd.mjs';

const r = spawnSync(process.execPath, [...relaxedFlags(), ...process.argv.slice(2)], { stdio: 'inherit' });
if (r.error) throw r.error;
process.exit(r.status ?? 1);
