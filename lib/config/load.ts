import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { capacityOf, karpenterHeadroom, nodeGroupHeadroom } from '../cluster/capacity/model';
import { configSchema, PlatformConfig } from './schema';

/** The folder of the named configurations (`-c config=<name>`). */
export const CONFIG_DIR = path.join(__dirname, '..', '..', 'config');

/** One thing wrong with a configuration: the field (dotted path) and what to do about it. */
export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
}

/** A configuration that cannot be built. Thrown before any stack is created, so nothing is written. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: ConfigProblem[]) {
    super(`Invalid configuration ${source}:\n${problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Resolves `-c config=<name or path>`: a bare name is a file in `config/`. */
export function resolveConfigPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml')) {
    return path.resolve(nameOrPath);
  }
  return path.join(CONFIG_DIR, `${nameOrPath}.yaml`);
}

/** Reads, parses and validates a configuration file. */
export function loadConfig(nameOrPath: string): PlatformConfig {
  const file = resolveConfigPath(nameOrPath);
  if (!fs.existsSync(file)) {
    const names = fs.readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    throw new ConfigError(file, [{ field: 'config', message: `no such file; pass -c config=<name> with one of ${names.join(', ')}, or a path to a YAML file` }]);
  }
  return parseConfig(fs.readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
}

/** Parses and validates configuration text; `source` names it in errors. */
export function parseConfig(text: string, source = '<config>'): PlatformConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(source, doc.errors.map((e) => ({ field: '(yaml)', message: e.message })));
  }
  return validateConfig(doc.toJS(), source);
}

/** Validates an already-parsed configuration object. */
export function validateConfig(raw: unknown, source = '<config>'): PlatformConfig {
  const parsed = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(source, parsed.error.issues.map(describeIssue));
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) {
    throw new ConfigError(source, problems);
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem {
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return {
      field: issue.keys.map((k) => (field === '(top level)' ? k : `${field}.${k}`)).join(', '),
      message: 'unknown field; remove it or check its spelling against the README',
    };
  }
  if (issue.code === 'invalid_type') {
    const got = issue.input === undefined ? 'nothing' : Array.isArray(issue.input) ? 'a list' : typeof issue.input;
    return { field, message: issue.input === undefined ? `is required (${issue.expected})` : `must be ${article(issue.expected)}, got ${got}` };
  }
  return { field, message: issue.message };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Rules that span fields: the ones that decide whether the platform survives losing an AZ. */
function crossFieldProblems(c: PlatformConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const azs = c.availabilityZones;
  const azPattern = new RegExp(`^${c.region}[a-z]$`);
  azs.forEach((az, i) => {
    if (!azPattern.test(az)) {
      problems.push({ field: `availabilityZones.${i}`, message: `"${az}" is not an availability zone of region ${c.region}; use names like ${c.region}a` });
    }
    if (azs.indexOf(az) !== i) {
      problems.push({ field: `availabilityZones.${i}`, message: `"${az}" is listed twice; each AZ once` });
    }
  });

  problems.push(...capacityProblems(c));

  const vm = c.victoriametrics;
  for (const name of ['vminsert', 'vmselect'] as const) {
    if (vm[name].replicas < azs.length) {
      problems.push({
        field: `victoriametrics.${name}.replicas`,
        message: `${vm[name].replicas} cannot be spread one per AZ over ${azs.length} AZs; set it to at least ${azs.length} so every surviving AZ keeps serving`,
      });
    }
  }
  if (vm.vmstorage.shards < azs.length) {
    problems.push({
      field: 'victoriametrics.vmstorage.shards',
      message: `${vm.vmstorage.shards} shard(s) cannot be spread one per AZ over ${azs.length} AZs; set it to at least ${azs.length}`,
    });
  }
  if (vm.replicationFactor > vm.vmstorage.shards) {
    problems.push({
      field: 'victoriametrics.replicationFactor',
      message: `${vm.replicationFactor} copies need at least as many shards, got ${vm.vmstorage.shards}; lower it or add shards`,
    });
  }
  // vminsert puts a series' copies on consecutive shards (cyclically) and shard i's home is
  // AZ i mod N: only a multiple of N keeps the last and the first shard in different AZs.
  if (vm.replicationFactor > 1 && vm.vmstorage.shards % azs.length !== 0) {
    problems.push({
      field: 'victoriametrics.vmstorage.shards',
      message: `${vm.vmstorage.shards} shards over ${azs.length} AZs would put both copies of some series in one AZ; use a multiple of ${azs.length}`,
    });
  }
  // EKS node group names are at most 63 characters; they are derived from clusterName.
  const longest = capacityOf(c).nodeGroups.reduce((a, g) => (g.name.length > a.length ? g.name : a), '');
  if (longest.length > 63) {
    problems.push({
      field: 'clusterName',
      message: `makes node group name "${longest}" ${longest.length} characters long, and EKS allows 63; shorten it to at most ${c.clusterName.length - (longest.length - 63)} characters`,
    });
  }
  for (const name of ['vminsert', 'vmselect'] as const) {
    const max = c.monitoring.autoscaling[name].maxReplicas;
    if (max !== undefined && max < vm[name].replicas) {
      problems.push({
        field: `monitoring.autoscaling.${name}.maxReplicas`,
        message: `${max} is below victoriametrics.${name}.replicas (${vm[name].replicas}), the autoscaler's floor; raise it or leave it out (3 per AZ)`,
      });
    }
  }

  const scrape = durationMs(c.monitoring.scrapeInterval);
  if (vm.dedupInterval !== undefined && durationMs(vm.dedupInterval) < scrape) {
    problems.push({
      field: 'victoriametrics.dedupInterval',
      message: `${vm.dedupInterval} is below monitoring.scrapeInterval (${c.monitoring.scrapeInterval}): vmagent's two scrapes of every target would both be kept and counted twice; set it to at least ${c.monitoring.scrapeInterval} or leave it out`,
    });
  }
  return problems;
}

/** "1ms", "30s", "1m", "1h" → milliseconds. */
export function durationMs(duration: string): number {
  const [, n, unit] = /^([0-9]+)(ms|s|m|h)$/.exec(duration)!;
  return Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}


/**
 * The `capacity` rules: node groups sized in order and with room for a lost AZ's pods; Karpenter
 * able to launch on-demand nodes (vmstorage) and limited high enough to hold the platform after
 * losing an AZ. The arithmetic is in lib/cluster/capacity/model.ts and the README.
 */
function capacityProblems(c: PlatformConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const cap = c.capacity;
  if (cap.mode === 'nodegroups') {
    const ng = cap.nodeGroups;
    if (ng.minSizePerAz > ng.desiredSizePerAz || ng.desiredSizePerAz > ng.maxSizePerAz) {
      problems.push({
        field: 'capacity.nodeGroups',
        message: `needs minSizePerAz <= desiredSizePerAz <= maxSizePerAz, got ${ng.minSizePerAz} / ${ng.desiredSizePerAz} / ${ng.maxSizePerAz}`,
      });
    }
    const headroom = nodeGroupHeadroom(c);
    if (!headroom.ok) {
      problems.push({ field: 'capacity.nodeGroups.maxSizePerAz', message: headroom.message });
    }
    return problems;
  }
  const k = cap.karpenter;
  if (!k.capacityTypes.includes('on-demand')) {
    problems.push({
      field: 'capacity.karpenter.capacityTypes',
      message: `[${k.capacityTypes.join(', ')}] has no on-demand fallback: a spot reclaim would take vmstorage shards down with no node to move to; add "on-demand"`,
    });
  }
  const headroom = karpenterHeadroom(c);
  if (!headroom.cpu.ok) problems.push({ field: 'capacity.karpenter.limits.cpu', message: headroom.cpu.message });
  if (!headroom.memory.ok) problems.push({ field: 'capacity.karpenter.limits.memory', message: headroom.memory.message });
  return problems;
}
