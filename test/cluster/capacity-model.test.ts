import { EC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import { NodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { ec2NodeClassManifest, nodePoolManifest } from '../../lib/cluster/capacity/karpenter-manifests';
import { capacityOf, karpenterHeadroom, nodeGroupHeadroom, nodesNeeded, platformPods } from '../../lib/cluster/capacity/model';
import { nodeShape } from '../../lib/cluster/capacity/instance-types';
import { loadConfig } from '../../lib/config/load';
import { KarpenterCapacityConfig } from '../../lib/config/schema';

/**
 * Validates against the model's JSON schema. The package's types reach `validate` through an
 * ES-module-only base package that this CommonJS project's type resolution cannot see.
 */
function validate(Model: new (data: any) => unknown, obj: Record<string, any>): void {
  (new Model(obj) as { validate(): void }).validate();
}

const nodegroups = loadConfig('default');
const karpenter = loadConfig('karpenter');
const [a, b, c] = nodegroups.availabilityZones;

describe('Karpenter resources against their CRD schemas', () => {
  const pool = capacityOf(karpenter).nodePools[0];
  const k = (karpenter.capacity as KarpenterCapacityConfig).karpenter;
  const nodePool = nodePoolManifest(pool, k);
  const nodeClass = ec2NodeClassManifest({ clusterName: 'vm-multiaz', roleName: 'KarpenterNodeRole' });

  test('the NodePool is a valid karpenter.sh/v1 NodePool', () => {
    expect(() => validate(NodePool, nodePool)).not.toThrow();
    expect(nodePool.spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: [a, b, c] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      ]),
    );
    expect(nodePool.spec.limits).toEqual({ cpu: '64', memory: '256Gi' });
    expect(nodePool.spec.disruption.budgets).toEqual([{ nodes: '10%' }]);
  });

  test('the EC2NodeClass is a valid karpenter.k8s.aws/v1 EC2NodeClass: AL2023, discovery tags, IMDSv2, encrypted gp3', () => {
    expect(() => validate(EC2NodeClass, nodeClass)).not.toThrow();
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@latest' }]);
    expect(nodeClass.spec.metadataOptions.httpTokens).toBe('required');
    expect(nodeClass.spec.blockDeviceMappings[0].ebs).toMatchObject({ volumeType: 'gp3', encrypted: true });
  });

  test('the schemas do catch mistakes (so the checks above mean something)', () => {
    expect(() => validate(NodePool, { ...nodePool, spec: { ...nodePool.spec, disruption: { ...nodePool.spec.disruption, consolidationPolicy: 'Sometimes' } } })).toThrow();
    expect(() => validate(EC2NodeClass, { ...nodeClass, spec: { ...nodeClass.spec, amiSelectorTerms: [] } })).toThrow();
  });
});

describe('capacityOf: what can add nodes in each AZ', () => {
  test('node groups: only an AZ\'s own group, up to maxSizePerAz, nothing in a lost AZ', () => {
    const plan = capacityOf(nodegroups);
    expect(plan.mode).toBe('nodegroups');
    expect(plan.addableIn(a).nodeGroups.map((g) => [g.zone, g.maxSize])).toEqual([[a, 5]]);
    expect(plan.addableIn(a).nodePools).toEqual([]);
    expect(plan.addableIn(a, [b, c]).nodeGroups).toEqual([]);
    expect(plan.addableIn(b, [b, c]).nodeGroups.map((g) => g.zone)).toEqual([b]);
  });

  test('karpenter: the NodePool in every surviving AZ; the fixed system groups add nothing', () => {
    const plan = capacityOf(karpenter);
    expect(plan.nodeGroups.map((g) => [g.role, g.zone, g.maxSize])).toEqual([
      ['system', a, 1],
      ['system', b, 1],
      ['system', c, 1],
    ]);
    expect(plan.addableIn(b, [b, c])).toMatchObject({ nodeGroups: [], nodePools: [{ name: 'platform', zones: [a, b, c], limits: { cpuMillis: 64000 } }] });
    expect(plan.addableIn(a, [b, c]).nodePools).toEqual([]);
  });
});

describe('headroom arithmetic', () => {
  test('an m7i.xlarge offers what nodeadm leaves: 3920m CPU, 58 pods', () => {
    expect(nodeShape('m7i.xlarge')).toMatchObject({ vcpu: 4, cpuMillis: 3920, maxPods: 58 });
    expect(nodeShape('x2idn.16xlarge')).toBeUndefined();
  });

  test('first-fit decreasing keeps a spread group one per node', () => {
    const shape = nodeShape('m7i.2xlarge')!;
    const pods = [0, 1, 2].map((i) => ({ name: `p${i}`, group: 'g', cpuMillis: 100, memoryBytes: 1 }));
    expect(nodesNeeded(pods, shape)).toBe(3);
    expect(nodesNeeded(pods.map((p, i) => ({ ...p, group: `g${i}` })), shape)).toBe(1);
  });

  test('the default platform: 15 pods fit in 2 AZs of 5 m7i.xlarge nodes', () => {
    expect(platformPods(nodegroups)).toHaveLength(3 + 3 + 3 + 3 + 2);
    expect(nodeGroupHeadroom(nodegroups).ok).toBe(true);
  });

  test('karpenter limits: requests x (1 + 1/3) / 0.75', () => {
    // 6 vCPU and 21Gi of requests: 10.7 -> 11 vCPU and 37.3 -> 38Gi.
    const tight = { ...karpenter, capacity: { ...karpenter.capacity, karpenter: { ...(karpenter.capacity as KarpenterCapacityConfig).karpenter, limits: { cpu: '11', memory: '38Gi' } } } } as typeof karpenter;
    expect(karpenterHeadroom(tight)).toEqual({ cpu: { ok: true, message: '' }, memory: { ok: true, message: '' } });
  });
});
