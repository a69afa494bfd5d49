/** Scenarios of the drill, including the (a), (b) and (c). */
import * as path from 'path';
import { KarpenterCapacity, NodeGroupCapacity } from '../../lib/drill/capacity';
import { drillManifests } from '../../lib/drill';
import { deployment, drill, HOST, nodeSpec, spread, ZONE } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const web = { app: 'web' };

describe('(a) required zone anti-affinity on 2 AZs', () => {
  it('leaves the third replica Pending with kube-scheduler\'s reason', () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: web }, topologyKey: ZONE }] } };
    const r = drill([deployment('web', 3, web, { affinity: anti })], [nodeSpec('a1', 'a'), nodeSpec('b1', 'b')]);
    const steady = r.scenarios.find((s) => s.id === 'steady')!;
    expect(steady.ok).toBe(false);
    expect(steady.phases[0].pending).toHaveLength(1);
    expect(steady.phases[0].pending[0].reason).toBe("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
    expect(r.ok).toBe(false);
  });
});

describe('(b) zone ScheduleAnyway + host DoNotSchedule minDomains 2, 4 replicas on 2 AZs of 2 nodes', () => {
  const nodes = () => [nodeSpec('a1', 'a'), nodeSpec('a2', 'a'), nodeSpec('b1', 'b'), nodeSpec('b2', 'b')];
  const spec = (taints: 'Honor' | undefined) => ({
    topologySpreadConstraints: [spread(ZONE, 'ScheduleAnyway', web), spread(HOST, 'DoNotSchedule', web, { minDomains: 2, ...(taints ? { nodeTaintsPolicy: taints } : {}) })],
  });

  it('keeps the two replacements Pending while the dead nodes are present and NotReady', () => {
    const r = drill([deployment('web', 4, web, spec(undefined))], nodes());
    expect(r.scenarios[0].phases[0].pending).toHaveLength(0);
    const loss = r.scenarios.find((s) => s.id === 'az-loss-a')!;
    const evicted = loss.phases.find((p) => p.name.startsWith('evicted'))!;
    expect(evicted.pending).toHaveLength(2);
    expect(evicted.pending[0].reason).toBe(
      "0/4 nodes are available: 2 node(s) didn't match pod topology spread constraints, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.",
    );
    expect(loss.ok).toBe(false);
    // Deleting the dead nodes removes the empty host domains: the replacements then run.
    expect(loss.phases.find((p) => p.name === 'lost nodes deleted')!.pending).toHaveLength(0);
  });

  it('with nodeTaintsPolicy: Honor all 4 run in the surviving AZ across both its nodes', () => {
    const r = drill([deployment('web', 4, web, spec('Honor'))], nodes());
    const loss = r.scenarios.find((s) => s.id === 'az-loss-a')!;
    const evicted = loss.phases.find((p) => p.name.startsWith('evicted'))!;
    expect(evicted.pending).toHaveLength(0);
    const running = (n: string) => evicted.placement![n].filter((p) => !p.terminating).length;
    expect([running('b1'), running('b2')]).toEqual([2, 2]);
    expect(loss.ok).toBe(true);
  });
});

describe('(c) vmstorage as a StatefulSet on zonal EBS with a DoNotSchedule zone spread', () => {
  const r = drillManifests(path.join(FIXTURES, 'vm-ebs'), path.join(FIXTURES, 'nodes-3az.yaml'));
  it('recognises the VictoriaMetrics cluster and its text-sorted shards', () => {
    expect(r.victoriametrics).toEqual({
      namespace: 'vm',
      replicationFactor: 1,
      shards: ['vmstorage-0.vmstorage.vm.svc.cluster.local:8400', 'vmstorage-1.vmstorage.vm.svc.cluster.local:8400', 'vmstorage-2.vmstorage.vm.svc.cluster.local:8400'],
    });
    expect(r.scenarios[0].ok).toBe(true);
  });
  it('an AZ loss makes a shard unreadable and the drill fails', () => {
    expect(r.ok).toBe(false);
    for (const s of r.scenarios.filter((x) => x.id.startsWith('az-loss'))) {
      expect(s.ok).toBe(false);
      expect(s.vm!.readsComplete).toBe(false);
      expect(s.vm!.unreadable).toHaveLength(1);
      expect(s.vm!.wholeAfterSeconds).toBeNull();
      const stuck = s.vm!.shardRecovery.find((x) => x.backAfterSeconds === null)!;
      expect(stuck.volume).toMatch(/^zonal: eu-west-1[abc]$/);
    }
    const loss = r.scenarios.find((s) => s.id === 'az-loss-eu-west-1a')!;
    // The StatefulSet does not replace the pod while the node is NotReady; once the node is
    // deleted the new pod cannot follow its volume out of the dead AZ.
    expect(loss.phases.find((p) => p.name.startsWith('evicted'))!.pending).toHaveLength(0);
    const afterRemoval = loss.phases.find((p) => p.name === 'lost nodes deleted')!;
    expect(afterRemoval.pending.map((p) => p.pod)).toEqual(['vm/vmstorage-0']);
    expect(afterRemoval.pending[0].reason).toContain('node(s) had volume node affinity conflict');
  });
});

describe('controllers', () => {
  it('a StatefulSet pod on EFS comes back only once the lost node is deleted; a Deployment pod after tolerationSeconds', () => {
    const efs = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'efs' }, provisioner: 'efs.csi.aws.com', volumeBindingMode: 'Immediate' };
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }], topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', { app: 'db' })] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'efs', accessModes: ['ReadWriteMany'] } }],
      },
    };
    const tol = { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] };
    const r = drill([efs, sts, deployment('web', 2, web, { ...tol, topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', web, { nodeTaintsPolicy: 'Honor' })] })], [nodeSpec('a1', 'a'), nodeSpec('b1', 'b')]);
    const loss = r.scenarios.find((s) => s.id === 'az-loss-a')!;
    const lost = loss.lostReplicas.map((l) => l.workload);
    expect(lost).toEqual(['StatefulSet/default/db']);
    expect(loss.checks.find((c) => c.text.startsWith('StatefulSet/default/db'))!.text).toContain('until the lost nodes are deleted');
    const log = loss.log.map((l) => `${l.t} ${l.msg}`);
    // The Deployment's 60 s toleration; the StatefulSet got DefaultTolerationSeconds' 300 s.
    expect(log).toContain('110 taint manager evicts 1 pod(s) (tolerationSeconds expired)');
    expect(log).toContain('350 taint manager evicts 1 pod(s) (tolerationSeconds expired)');
  });

  it('evicts at the smallest tolerationSeconds among the matching tolerations, as the taint manager does', () => {
    // A blanket toleration without seconds does not make the pod stay forever when a specific one sets 45 s.
    const tol = { tolerations: [{ operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 45 }] };
    const r = drill([deployment('web', 2, web, tol)], [nodeSpec('a1', 'a'), nodeSpec('b1', 'b')]);
    const log = r.scenarios.find((s) => s.id === 'az-loss-a')!.log.map((l) => `${l.t} ${l.msg}`);
    expect(log).toContain('95 taint manager evicts 1 pod(s) (tolerationSeconds expired)');
  });

  it('fails, rather than passes, when the nodes span fewer than 2 zones: no AZ loss was drilled', () => {
    const r = drill([deployment('web', 2, web, {})], [nodeSpec('a1', 'a'), nodeSpec('a2', 'a')]);
    expect(r.ok).toBe(false);
    expect(r.scenarios[0].checks.map((c) => c.text)).toContain('nodes in 1 zone(s) (label topology.kubernetes.io/zone): at least 2 are needed to drill the loss of one');
  });

  it('node groups add nodes only in their own AZ, never in the lost one, up to maxSize', () => {
    const big = { containers: [{ name: 'c', resources: { requests: { cpu: '3', memory: '1Gi' } } }], topologySpreadConstraints: [spread(ZONE, 'ScheduleAnyway', web)] };
    const capacity = new NodeGroupCapacity(
      ['a', 'b'].map((z) => ({ name: `ng-${z}`, zone: z, instanceType: 'm7i.xlarge', desired: 1, max: 2 })),
      'eu-west-1',
    );
    const nodes = [
      { ...nodeSpec('ng-a-1', 'a', { cpu: 3.92 }), group: 'ng-a' },
      { ...nodeSpec('ng-b-1', 'b', { cpu: 3.92 }), group: 'ng-b' },
    ];
    const r = drill([deployment('web', 2, web, big)], nodes, capacity);
    const loss = r.scenarios.find((s) => s.id === 'az-loss-a')!;
    const evicted = loss.phases.find((p) => p.name.startsWith('evicted'))!;
    expect(evicted.pending).toHaveLength(0);
    expect(evicted.nodes.filter((n) => n.added).map((n) => `${n.name} ${n.zone}`)).toEqual(['ng-b-new-1 b']);
    expect(loss.checks.every((c) => c.ok)).toBe(true);
  });

  it('Karpenter adds nodes in any surviving AZ of its NodePool', () => {
    const big = { containers: [{ name: 'c', resources: { requests: { cpu: '3', memory: '1Gi' } } }], topologySpreadConstraints: [spread(ZONE, 'ScheduleAnyway', web)] };
    const capacity = new KarpenterCapacity('default', ['a', 'b', 'c'], 'm7i.xlarge', 64, 'eu-west-1');
    const r = drill([deployment('web', 3, web, big)], [], capacity);
    expect(r.scenarios[0].ok).toBe(true);
    const zones = r.scenarios[0].phases[0].nodes.map((n) => n.zone).sort();
    expect(zones).toEqual(['a', 'b', 'c']);
  });

  it('after an AZ returns, reports the imbalance and what the descheduler would evict', () => {
    const spec = { topologySpreadConstraints: [spread(ZONE, 'ScheduleAnyway', web), spread(HOST, 'DoNotSchedule', web, { nodeTaintsPolicy: 'Honor' })] };
    const r = drill([deployment('web', 3, web, spec)], [nodeSpec('a1', 'a'), nodeSpec('b1', 'b'), nodeSpec('c1', 'c'), nodeSpec('c2', 'c'), nodeSpec('b2', 'b'), nodeSpec('a2', 'a')]);
    const loss = r.scenarios.find((s) => s.id === 'az-loss-a')!;
    expect(loss.ok).toBe(true);
    expect(loss.azReturn!.imbalances).toHaveLength(1);
    const counts = loss.azReturn!.imbalances[0].counts;
    expect(counts.a).toBe(0);
    expect(counts.b + counts.c).toBe(3);
    expect(loss.azReturn!.deschedulerEvicts).toHaveLength(1);
    const after = loss.azReturn!.after!;
    const perZone = (z: string) => after.nodes.filter((n) => n.zone === z).reduce((s, n) => s + after.placement![n.name].filter((p) => !p.terminating).length, 0);
    expect([perZone('a'), perZone('b'), perZone('c')]).toEqual([1, 1, 1]);
  });
});
