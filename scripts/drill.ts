/**
 * npm run --silent drill -- [--config <file>] [--manifests <dir|file> --nodes <file>] [--out <dir>]
 * npm run --silent drill -- explain --state <file.json>
 *
 * Exit codes: 0 every scenario keeps the guarantee, 1 a scenario breaks it, 2 bad input.
 */
import * as fs from 'fs';
import { ConfigError } from '../lib/config/load';
import { drillManifests, drillPlatform, explain, writeReport } from '../lib/drill';
import { DrillInputError } from '../lib/drill/input';

const USAGE = `usage:
  npm run --silent drill                                   drill the default config's platform
  npm run --silent drill -- --config <name or file>        drill another config's platform
  npm run --silent drill -- --manifests <dir|yaml> --nodes <yaml>   drill any manifests on given nodes
  options: --out <dir> (default drill-report/)
  npm run --silent drill -- explain --state <file.json>    feasible nodes and reasons, JSON on stdout`;

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === 'explain') out.command = 'explain';
    else if (a === '-h' || a === '--help') out.help = 'true';
    else if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (!['config', 'manifests', 'nodes', 'out', 'state'].includes(k)) throw new DrillInputError(`unknown option --${k}\n${USAGE}`);
      const val = v ?? argv[++i];
      if (val === undefined || val.startsWith('--')) throw new DrillInputError(`--${k} needs a value\n${USAGE}`);
      out[k] = val;
    } else throw new DrillInputError(`unexpected argument "${a}"\n${USAGE}`);
  }
  return out;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.command === 'explain') {
    if (!args.state) throw new DrillInputError(`explain needs --state <file.json>\n${USAGE}`);
    if (!fs.existsSync(args.state)) throw new DrillInputError(`${args.state}: no such file`);
    let state: unknown;
    try {
      state = JSON.parse(fs.readFileSync(args.state, 'utf8'));
    } catch (e) {
      throw new DrillInputError(`${args.state}: not valid JSON: ${(e as Error).message}`);
    }
    const result = Array.isArray(state) ? state.map((s, i) => explain(s, `${args.state}[${i}]`)) : explain(state as never, args.state);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  if (args.state) throw new DrillInputError('--state is for the explain command');
  if ((args.manifests && !args.nodes) || (!args.manifests && args.nodes)) throw new DrillInputError('--manifests and --nodes go together');
  if (args.config && args.manifests) throw new DrillInputError('use either --config or --manifests/--nodes');
  const result = args.manifests ? drillManifests(args.manifests, args.nodes) : drillPlatform(args.config ?? 'default');
  const md = writeReport(result, args.out ?? 'drill-report');
  process.stdout.write(md);
  process.stdout.write(`\nReport files in ${args.out ?? 'drill-report'}/ (report.md, report.json, one SVG per loss).\n`);
  return result.ok ? 0 : 1;
}

// `drill | head` closes stdout early: that is not an error of the drill.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  process.exitCode = main();
} catch (e) {
  if (e instanceof DrillInputError || e instanceof ConfigError) {
    process.stderr.write(`drill: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
