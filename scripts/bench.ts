/**
 * Measures what users wait for: `cdk synth` of the default platform (median of --runs) and,
 * with --test, one full `npm test`. Wall-clock seconds and peak memory of each run, printed as
 * a table; nothing here asserts, so a slow machine never turns the suite red.
 *
 *   npm run bench -- [--runs 3] [--test]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const GNU_TIME = '/usr/bin/time';

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 3;

function measure(label: string, command: string, args: string[]): { label: string; seconds: number; peakMiB: number } {
  // GNU time, where installed, reports the peak RSS of the largest process of the run.
  const timed = fs.existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  const result = spawnSync(timed ? GNU_TIME : command, timed ? ['-f', '%M', command, ...args] : args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${label} failed with exit code ${result.status}`);
  }
  const peakKiB = timed ? Number(result.stderr.trim().split('\n').pop()) : NaN;
  return { label, seconds, peakMiB: Number.isFinite(peakKiB) ? peakKiB / 1024 : NaN };
}

const cdk = path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const rows = Array.from({ length: runs }, (_, i) => measure(`cdk synth #${i + 1}`, process.execPath, [cdk, 'synth', '--quiet']));
const median = [...rows].sort((a, b) => a.seconds - b.seconds)[Math.floor(rows.length / 2)];
if (argv.includes('--test')) {
  rows.push(measure('npm test', 'npm', ['test', '--silent']));
}
for (const r of rows) {
  console.log(`${r.label.padEnd(16)} ${r.seconds.toFixed(1).padStart(6)} s  ${Number.isNaN(r.peakMiB) ? '' : `${r.peakMiB.toFixed(0)} MiB peak`}`);
}
console.log(`cdk synth median ${median.seconds.toFixed(1)} s over ${runs} run(s) on ${os.cpus().length} cores`);
