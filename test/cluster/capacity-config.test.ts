import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../lib/config/load';

const read = (name: string) => parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', `${name}.yaml`), 'utf8'));

/** The problems of `base` (a file in config/) with one change, as `field: message` lines. */
function problemsOf(base: 'default' | 'karpenter', change: (c: any) => void): string[] {
  const c = read(base);
  change(c);
  try {
    parseConfig(stringify(c), '<test>');
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.field}: ${p.message}`);
  }
}

describe('capacity configuration', () => {
  test('both shipped configurations are valid; mode defaults to nodegroups', () => {
    expect(problemsOf('default', () => undefined)).toEqual([]);
    expect(problemsOf('karpenter', () => undefined)).toEqual([]);
    expect(problemsOf('default', (c) => delete c.capacity.mode)).toEqual([]);
  });

  test.each<[string, 'default' | 'karpenter', (c: any) => void, RegExp]>([
    ['an unknown mode', 'default', (c) => (c.capacity.mode = 'fargate'), /^capacity\.mode: must be "nodegroups" \(a managed node group per AZ with cluster-autoscaler\) or "karpenter"/],
    ['Karpenter settings in nodegroups mode', 'default', (c) => (c.capacity.karpenter = { limits: { cpu: 64, memory: '256Gi' } }), /^capacity\.karpenter: unknown field/],
    ['node groups in karpenter mode', 'karpenter', (c) => (c.capacity.nodeGroups = { instanceTypes: ['m7i.xlarge'], minSizePerAz: 1, desiredSizePerAz: 1, maxSizePerAz: 3 }), /^capacity\.nodeGroups: unknown field/],
    ['karpenter mode with no karpenter section', 'karpenter', (c) => delete c.capacity.karpenter, /^capacity\.karpenter: is required/],
    ['spot only, with no on-demand fallback for vmstorage', 'karpenter', (c) => (c.capacity.karpenter.capacityTypes = ['spot']), /^capacity\.karpenter\.capacityTypes: \[spot\] has no on-demand fallback: .*add "on-demand"/],
    ['a capacity type Karpenter does not know', 'karpenter', (c) => (c.capacity.karpenter.capacityTypes = ['reserved-ish']), /^capacity\.karpenter\.capacityTypes\.0: must be "on-demand" or "spot"/],
    ['a CPU limit too small to hold the platform after losing an AZ', 'karpenter', (c) => (c.capacity.karpenter.limits.cpu = 8), /^capacity\.karpenter\.limits\.cpu: 8 vCPU cannot hold the platform after losing an AZ .*; set it to at least "11"/],
    ['a memory limit too small to hold the platform after losing an AZ', 'karpenter', (c) => (c.capacity.karpenter.limits.memory = '32Gi'), /^capacity\.karpenter\.limits\.memory: 32Gi cannot hold the platform after losing an AZ .*; set it to at least "38Gi"/],
    ['a disruption budget that is neither a count nor a percentage', 'karpenter', (c) => (c.capacity.karpenter.disruptionBudget = 'some'), /^capacity\.karpenter\.disruptionBudget: must be a node count/],
    ['node groups with no room for a lost AZ\'s pods', 'default', (c) => Object.assign(c.capacity.nodeGroups, { instanceTypes: ['m7i.large'], maxSizePerAz: 2 }), /^capacity\.nodeGroups\.maxSizePerAz: after losing one AZ the platform's \d+ pods need \d+ m7i\.large nodes, but the other 2 AZs hold at most 2 x 2 = 4; set maxSizePerAz to at least \d+/],
    ['a pod larger than any node', 'default', (c) => (c.victoriametrics.vmstorage.resources.memory = '64Gi'), /^capacity\.nodeGroups\.maxSizePerAz: a vmstorage-\d pod does not fit on one m7i\.xlarge node .*; use a larger instance type/],
  ])('rejects %s', (_name, base, change, expected) => {
    const problems = problemsOf(base, change);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  test('an instance type outside the headroom model is accepted, not guessed at', () => {
    expect(problemsOf('default', (c) => (c.capacity.nodeGroups.instanceTypes = ['x2idn.16xlarge']))).toEqual([]);
  });
});
