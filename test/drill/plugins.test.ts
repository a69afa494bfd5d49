/**
 * Conformance of the drill's scheduler plugins with the Kubernetes scheduling documentation
 * (kubernetes.io/docs/concepts/scheduling-eviction/...: assign-pod-node, taint-and-toleration,
 * topology-spread-constraints, resource management) and kube-scheduler's wording.
 */
import { compilePod } from '../../lib/drill/scheduler/pod-info';
import { defaultFramework } from '../../lib/drill/scheduler/profile';
import { NodeInfo, SimPod, Snapshot } from '../../lib/drill/scheduler/snapshot';
import { fitErrorMessage, numFeasibleNodesToFind, unresolvable, unschedulable } from '../../lib/drill/scheduler/framework';
import { HOST, node, pod, spread, why, ZONE } from './helpers';

const unreachable = [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' as const },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const },
];

describe('NodeName', () => {
  it('admits only the named node', () => {
    const r = why({ nodes: [node('a', 'z1'), node('b', 'z1')], pod: pod('p', { nodeName: 'b' }) });
    expect(r.feasible).toEqual(['b']);
    expect(r.reasons.a).toBe("node(s) didn't match the requested node name");
  });
});

describe('NodeUnschedulable', () => {
  it('rejects a cordoned node unless the pod tolerates node.kubernetes.io/unschedulable', () => {
    const nodes = [node('a', 'z1', { unschedulable: true }), node('b', 'z1')];
    expect(why({ nodes, pod: pod('p') }).reasons.a).toBe('node(s) were unschedulable');
    const tolerant = pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(why({ nodes, pod: tolerant }).feasible).toEqual(['a', 'b']);
  });
});

describe('NodeAffinity', () => {
  const nodes = [node('a', 'z1', { labels: { disktype: 'ssd', gen: '7' } }), node('b', 'z2', { labels: { gen: '5' } }), node('c', 'z3')];
  it('nodeSelector must match every label', () => {
    const r = why({ nodes, pod: pod('p', { nodeSelector: { disktype: 'ssd' } }) });
    expect(r.feasible).toEqual(['a']);
    expect(r.reasons.b).toBe("node(s) didn't match Pod's node affinity/selector");
  });
  it('required terms are ORed, expressions ANDed; NotIn matches a missing label; Gt compares integers', () => {
    const affinity = (terms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
    expect(why({ nodes, pod: pod('p', { affinity: affinity([{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['z1'] }] }, { matchExpressions: [{ key: ZONE, operator: 'In', values: ['z3'] }] }]) as never }) }).feasible).toEqual(['a', 'c']);
    expect(why({ nodes, pod: pod('p', { affinity: affinity([{ matchExpressions: [{ key: 'disktype', operator: 'NotIn', values: ['ssd'] }] }]) as never }) }).feasible).toEqual(['b', 'c']);
    expect(why({ nodes, pod: pod('p', { affinity: affinity([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['6'] }] }]) as never }) }).feasible).toEqual(['a']);
    expect(why({ nodes, pod: pod('p', { affinity: affinity([{ matchExpressions: [{ key: 'gen', operator: 'Exists' }, { key: ZONE, operator: 'In', values: ['z2'] }] }]) as never }) }).feasible).toEqual(['b']);
  });
  it('an empty term matches no node', () => {
    const r = why({ nodes, pod: pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } }) });
    expect(r.feasible).toEqual([]);
  });
});

describe('TaintToleration', () => {
  it("words a NoSchedule/NoExecute taint as kube-scheduler does and ignores PreferNoSchedule in Filter", () => {
    const nodes = [node('a', 'z1', { taints: unreachable }), node('b', 'z1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), node('c', 'z1', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })];
    const r = why({ nodes, pod: pod('p') });
    expect(r.reasons.a).toBe('node(s) had untolerated taint {node.kubernetes.io/unreachable: }');
    expect(r.reasons.b).toBe('node(s) had untolerated taint {dedicated: gpu}');
    expect(r.feasible).toEqual(['c']);
  });
  it('Equal needs the value, Exists does not, an empty key with Exists tolerates everything, the effect must match', () => {
    const nodes = [node('b', 'z1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })];
    expect(why({ nodes, pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }] }) }).feasible).toEqual([]);
    expect(why({ nodes, pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] }) }).feasible).toEqual(['b']);
    expect(why({ nodes, pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }] }) }).feasible).toEqual([]);
    expect(why({ nodes, pod: pod('p', { tolerations: [{ operator: 'Exists' }] }) }).feasible).toEqual(['b']);
  });
  it('an unreachable NoExecute toleration does not tolerate the unreachable NoSchedule taint', () => {
    const nodes = [node('a', 'z1', { taints: unreachable })];
    const p = pod('p', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] });
    expect(why({ nodes, pod: p }).reasons.a).toBe('node(s) had untolerated taint {node.kubernetes.io/unreachable: }');
  });
});

describe('NodeResourcesFit', () => {
  it('counts requests of bound pods against allocatable cpu, memory and pods', () => {
    const nodes = [node('a', 'z1', { cpu: '1', memory: '1Gi', pods: 2 }), node('b', 'z1', { cpu: '2', memory: '1Gi' }), node('c', 'z1', { cpu: '4', memory: '8Gi' })];
    const big = (n: string, where?: string) => pod(n, { containers: [{ name: 'c', resources: { requests: { cpu: '1500m', memory: '2Gi' } } }] }, { nodeName: where });
    const pods = [pod('x', {}, { nodeName: 'a' }), pod('y', {}, { nodeName: 'a' }), big('z', 'c'), big('w', 'c')];
    const r = why({ nodes, pods, pod: big('new') });
    expect(r.reasons.a).toBe('Too many pods, Insufficient cpu, Insufficient memory');
    expect(r.reasons.b).toBe('Insufficient memory');
    expect(r.reasons.c).toBe('Insufficient cpu');
  });
  it('uses limits as requests when requests are absent, and the largest init container', () => {
    const nodes = [node('a', 'z1', { cpu: '1' })];
    expect(why({ nodes, pod: pod('p', { containers: [{ name: 'c', resources: { limits: { cpu: '2' } } }] }) }).reasons.a).toBe('Insufficient cpu');
    expect(why({ nodes, pod: pod('p', { initContainers: [{ name: 'i', resources: { requests: { cpu: '1100m' } } }] }) }).reasons.a).toBe('Insufficient cpu');
  });
});

describe('PodTopologySpread', () => {
  // The documentation's example: 4 nodes in 2 zones, 3 pods labelled foo=bar (2 in zoneA, 1 in zoneB).
  const nodes = [node('node1', 'zoneA'), node('node2', 'zoneA'), node('node3', 'zoneB'), node('node4', 'zoneB')];
  const foo = { foo: 'bar' };
  const existing = [pod('p1', {}, { labels: foo, nodeName: 'node1' }), pod('p2', {}, { labels: foo, nodeName: 'node2' }), pod('p3', {}, { labels: foo, nodeName: 'node3' })];

  it('maxSkew 1 on zone puts the incoming pod in zoneB (docs example)', () => {
    const r = why({ nodes, pods: existing, pod: pod('new', { topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', foo)] }, { labels: foo }) });
    expect(r.feasible).toEqual(['node3', 'node4']);
    expect(r.reasons.node1).toBe("node(s) didn't match pod topology spread constraints");
  });
  it('ScheduleAnyway never filters', () => {
    expect(why({ nodes, pods: existing, pod: pod('new', { topologySpreadConstraints: [spread(ZONE, 'ScheduleAnyway', foo)] }, { labels: foo }) }).feasible).toHaveLength(4);
  });
  it('terminating pods are not counted', () => {
    const pods = [...existing, pod('p4', {}, { labels: foo, nodeName: 'node3', terminating: true })];
    expect(why({ nodes, pods, pod: pod('new', { topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', foo)] }, { labels: foo }) }).feasible).toEqual(['node3', 'node4']);
  });
  it('only pods of the incoming pod\'s namespace are counted', () => {
    const other = existing.map((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'other' } }));
    expect(why({ nodes, pods: other, pod: pod('new', { topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', foo)] }, { labels: foo }) }).feasible).toHaveLength(4);
  });
  it('a node without the topology key fails as unresolvable, naming the missing label', () => {
    const r = why({ nodes: [...nodes, node('nozone', undefined)], pods: existing, pod: pod('new', { topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', foo)] }, { labels: foo }) });
    expect(r.reasons.nozone).toBe("node(s) didn't match pod topology spread constraints (missing required label)");
  });
  it('matchExpressions and matchLabelKeys narrow the selector', () => {
    const pods = [
      pod('a1', {}, { labels: { app: 'x', rev: '1' }, nodeName: 'node1' }),
      pod('a2', {}, { labels: { app: 'x', rev: '1' }, nodeName: 'node2' }),
      pod('b1', {}, { labels: { app: 'x', rev: '2' }, nodeName: 'node3' }),
    ];
    const c = { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['x'] }] } };
    expect(why({ nodes, pods, pod: pod('new', { topologySpreadConstraints: [c] }, { labels: { app: 'x', rev: '2' } }) }).feasible).toEqual(['node3', 'node4']);
    // rev=2 alone: zoneA 0, zoneB 1 -> only zoneA fits.
    expect(why({ nodes, pods, pod: pod('new', { topologySpreadConstraints: [{ ...c, matchLabelKeys: ['rev'] }] }, { labels: { app: 'x', rev: '2' } }) }).feasible).toEqual(['node1', 'node2']);
  });
  it('minDomains: with fewer eligible domains than minDomains the global minimum is 0', () => {
    const two = [node('n1', 'zoneA'), node('n2', 'zoneB')];
    const pods = [pod('p1', {}, { labels: foo, nodeName: 'n1' }), pod('p2', {}, { labels: foo, nodeName: 'n2' })];
    const c = spread(ZONE, 'DoNotSchedule', foo);
    expect(why({ nodes: two, pods, pod: pod('new', { topologySpreadConstraints: [c] }, { labels: foo }) }).feasible).toEqual(['n1', 'n2']);
    const r = why({ nodes: two, pods, pod: pod('new', { topologySpreadConstraints: [{ ...c, minDomains: 3 }] }, { labels: foo }) });
    expect(r.feasible).toEqual([]);
  });
  it('nodeAffinityPolicy Honor (default) leaves out domains the pod cannot use; Ignore counts them', () => {
    const pods = [pod('p1', {}, { labels: foo, nodeName: 'node1' })];
    const sel = { nodeSelector: { [ZONE]: 'zoneA' } };
    // Honor: only zoneA is a domain, min = 1, skew on zoneA = 1 + 1 - 1 = 1 -> fits.
    expect(why({ nodes, pods, pod: pod('new', { ...sel, topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', foo)] }, { labels: foo }) }).feasible).toEqual(['node1', 'node2']);
    // Ignore: zoneB (0 pods) counts, skew on zoneA = 2 -> nothing fits.
    expect(why({ nodes, pods, pod: pod('new', { ...sel, topologySpreadConstraints: [spread(ZONE, 'DoNotSchedule', foo, { nodeAffinityPolicy: 'Ignore' })] }, { labels: foo }) }).feasible).toEqual([]);
  });
  it('nodeTaintsPolicy Ignore (default) counts tainted nodes as empty domains; Honor leaves them out', () => {
    const hostNodes = [node('a1', 'zoneA', { taints: unreachable }), node('b1', 'zoneB'), node('b2', 'zoneB')];
    const pods = [pod('x', {}, { labels: foo, nodeName: 'b1' }), pod('y', {}, { labels: foo, nodeName: 'b2' })];
    const c = spread(HOST, 'DoNotSchedule', foo);
    const ignore = why({ nodes: hostNodes, pods, pod: pod('new', { topologySpreadConstraints: [c] }, { labels: foo }) });
    expect(ignore.feasible).toEqual([]);
    expect(ignore.reasons.b1).toBe("node(s) didn't match pod topology spread constraints");
    expect(why({ nodes: hostNodes, pods, pod: pod('new', { topologySpreadConstraints: [{ ...c, nodeTaintsPolicy: 'Honor' }] }, { labels: foo }) }).feasible).toEqual(['b1', 'b2']);
  });
});

describe('InterPodAffinity', () => {
  const nodes = [node('a', 'z1'), node('b', 'z2'), node('c', 'z3')];
  const web = { app: 'web' };
  const anti = (labels: Record<string, string>, key = ZONE) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: key }] } });
  it('required anti-affinity keeps the pod out of domains holding a matching pod', () => {
    const r = why({ nodes, pods: [pod('w1', {}, { labels: web, nodeName: 'a' })], pod: pod('w2', { affinity: anti(web) }, { labels: web }) });
    expect(r.feasible).toEqual(['b', 'c']);
    expect(r.reasons.a).toBe("node(s) didn't match pod anti-affinity rules");
  });
  it("existing pods' anti-affinity rejects the incoming pod", () => {
    const r = why({ nodes, pods: [pod('db', { affinity: anti(web) }, { labels: { app: 'db' }, nodeName: 'b' })], pod: pod('w', {}, { labels: web }) });
    expect(r.reasons.b).toBe("node(s) didn't satisfy existing pods anti-affinity rules");
    expect(r.feasible).toEqual(['a', 'c']);
  });
  it('required affinity needs a matching pod in the domain, except for the first pod of a self-affine group', () => {
    const aff = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: ZONE }] } };
    const r = why({ nodes, pods: [pod('cache', {}, { labels: { app: 'cache' }, nodeName: 'c' })], pod: pod('w', { affinity: aff }, { labels: web }) });
    expect(r.feasible).toEqual(['c']);
    expect(r.reasons.a).toBe("node(s) didn't match pod affinity rules");
    expect(why({ nodes, pod: pod('w', { affinity: aff }, { labels: web }) }).feasible).toEqual([]);
    expect(why({ nodes, pod: pod('first', { affinity: aff }, { labels: { app: 'cache' } }) }).feasible).toEqual(['a', 'b', 'c']);
  });
  it('terms default to the pod\'s namespace; namespaces widen them', () => {
    const other = pod('w1', {}, { labels: web, nodeName: 'a', namespace: 'other' });
    expect(why({ nodes, pods: [other], pod: pod('w2', { affinity: anti(web) }, { labels: web }) }).feasible).toEqual(['a', 'b', 'c']);
    const wide = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: web }, topologyKey: ZONE, namespaces: ['other'] }] } };
    expect(why({ nodes, pods: [other], pod: pod('w2', { affinity: wide }, { labels: web }) }).feasible).toEqual(['b', 'c']);
  });
  it('3 replicas with required zone anti-affinity on 2 AZs leave the third with no node', () => {
    const two = [node('a', 'z1'), node('b', 'z2')];
    const pods = [pod('w1', { affinity: anti(web) }, { labels: web, nodeName: 'a' }), pod('w2', { affinity: anti(web) }, { labels: web, nodeName: 'b' })];
    expect(why({ nodes: two, pods, pod: pod('w3', { affinity: anti(web) }, { labels: web }) }).feasible).toEqual([]);
  });
});

describe('VolumeBinding and VolumeZone', () => {
  const nodes = [node('a', 'z1'), node('b', 'z2')];
  const withClaim = (claimName: string) => pod('p', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }] });
  const ebs = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer' };
  it('a bound zonal volume pins the pod to its zone', () => {
    const pv = { kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { storageClassName: 'gp3', nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['z2'] }] }] } } } };
    const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'gp3', volumeName: 'pv1' } };
    const r = why({ nodes, pod: withClaim('data'), storageClasses: [ebs], persistentVolumes: [pv], persistentVolumeClaims: [pvc] });
    expect(r.feasible).toEqual(['b']);
    expect(r.reasons.a).toBe('node(s) had volume node affinity conflict');
  });
  it('a zone-labelled volume fails VolumeZone elsewhere', () => {
    const pv = { kind: 'PersistentVolume', metadata: { name: 'pv1', labels: { [ZONE]: 'z1' } }, spec: { storageClassName: 'gp3' } };
    const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'gp3', volumeName: 'pv1' } };
    expect(why({ nodes, pod: withClaim('data'), storageClasses: [ebs], persistentVolumes: [pv], persistentVolumeClaims: [pvc] }).reasons.b).toBe('node(s) had no available volume zone');
  });
  it('VolumeZone as upstream: a node with no topology labels passes; a beta-labelled volume matches the GA node label', () => {
    const pv = { kind: 'PersistentVolume', metadata: { name: 'pv1', labels: { 'failure-domain.beta.kubernetes.io/zone': 'z1' } }, spec: { storageClassName: 'gp3' } };
    const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'gp3', volumeName: 'pv1' } };
    const r = why({ nodes: [...nodes, node('bare', undefined)], pod: withClaim('data'), storageClasses: [ebs], persistentVolumes: [pv], persistentVolumeClaims: [pvc] });
    expect(r.feasible).toEqual(['a', 'bare']);
    expect(r.reasons.b).toBe('node(s) had no available volume zone');
  });
  it('WaitForFirstConsumer honours allowedTopologies; EFS has no zone; missing and unbound Immediate claims fail everywhere', () => {
    const limited = { ...ebs, allowedTopologies: [{ matchLabelExpressions: [{ key: ZONE, values: ['z1'] }] }] };
    const pvc = { kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'gp3' } };
    const r = why({ nodes, pod: withClaim('data'), storageClasses: [limited], persistentVolumeClaims: [pvc] });
    expect(r.feasible).toEqual(['a']);
    expect(r.reasons.b).toBe("node(s) didn't find available persistent volumes to bind");
    const efs = { kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'efs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer' };
    expect(why({ nodes, pod: withClaim('data'), storageClasses: [efs], persistentVolumeClaims: [pvc] }).feasible).toEqual(['a', 'b']);
    expect(why({ nodes, pod: withClaim('nope'), storageClasses: [efs] }).reasons.a).toBe('persistentvolumeclaim "nope" not found');
    const immediate = { ...efs, volumeBindingMode: 'Immediate' };
    expect(why({ nodes, pod: withClaim('data'), storageClasses: [immediate], persistentVolumeClaims: [pvc] }).reasons.b).toBe('pod has unbound immediate PersistentVolumeClaims');
  });
});

describe('framework', () => {
  it('words FitError as kube-scheduler: counts per reason, sorted', () => {
    const failures = [
      ...Array.from({ length: 3 }, () => unresolvable('TaintToleration', 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }')),
      ...Array.from({ length: 3 }, () => unschedulable('PodTopologySpread', "node(s) didn't match pod topology spread constraints")),
    ];
    expect(fitErrorMessage(6, failures)).toBe(
      "0/6 nodes are available: 3 node(s) didn't match pod topology spread constraints, 3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.",
    );
  });
  it('numFeasibleNodesToFind follows the adaptive percentage', () => {
    expect(numFeasibleNodesToFind(50)).toBe(50);
    expect(numFeasibleNodesToFind(1000)).toBe(420);
    expect(numFeasibleNodesToFind(5000)).toBe(500);
    expect(numFeasibleNodesToFind(150)).toBe(100);
  });

  function cluster(nodes: [string, string][]) {
    const snap = new Snapshot();
    for (const [name, zone] of nodes) snap.addNode((i) => new NodeInfo(i, name, { [HOST]: name, [ZONE]: zone }, [], false, 4000, 16 * 1024 ** 3, 110));
    return snap;
  }
  let uid = 1;
  function simPod(name: string, labels: Record<string, string>, spec: Record<string, unknown>): SimPod {
    const full = { containers: [{ name: 'c', resources: { requests: { cpu: '500m', memory: '1Gi' } } }], ...spec };
    return { uid: uid++, name, namespace: 'default', labels, info: compilePod(full as never, 'default', labels), workload: 'w', claims: [], nodeIdx: -1, terminating: false, createdAt: 0 };
  }

  it('ScheduleAnyway zone spread places replicas round the zones, ties broken by node name', () => {
    const snap = cluster([['a1', 'z1'], ['a2', 'z1'], ['b1', 'z2'], ['b2', 'z2'], ['c1', 'z3'], ['c2', 'z3']]);
    const fw = defaultFramework();
    const spec = { topologySpreadConstraints: [spread(ZONE, 'ScheduleAnyway', { app: 'x' }), spread(HOST, 'ScheduleAnyway', { app: 'x' })] };
    const placed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = simPod(`x${i}`, { app: 'x' }, spec);
      const r = fw.schedule(p, snap);
      snap.bind(p, r.node!);
      placed.push(r.node!.name);
    }
    const zones = placed.map((n) => n[0]);
    expect(zones.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(placed).size).toBe(6);
    expect(placed[0]).toBe('a1');
  });
  it('preferred node affinity wins over an otherwise equal node', () => {
    const snap = cluster([['a1', 'z1'], ['b1', 'z2']]);
    const p = simPod('p', {}, { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: ZONE, operator: 'In', values: ['z2'] }] } }] } } });
    expect(defaultFramework().schedule(p, snap).node!.name).toBe('b1');
  });
  it('preferred anti-affinity steers away from a matching pod', () => {
    const snap = cluster([['a1', 'z1'], ['b1', 'z2']]);
    const fw = defaultFramework();
    const spec = { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'y' } }, topologyKey: ZONE } }] } } };
    const first = simPod('y0', { app: 'y' }, spec);
    snap.bind(first, fw.schedule(first, snap).node!);
    const second = simPod('y1', { app: 'y' }, spec);
    expect(fw.schedule(second, snap).node!.name).not.toBe(snap.nodeAt(first.nodeIdx)!.name);
  });
  it('LeastAllocated prefers the emptier node', () => {
    const snap = cluster([['a1', 'z1'], ['b1', 'z1']]);
    const fw = defaultFramework();
    const filler = simPod('f', {}, {});
    snap.bind(filler, snap.node('a1')!);
    expect(fw.schedule(simPod('p', {}, {}), snap).node!.name).toBe('b1');
  });
});
