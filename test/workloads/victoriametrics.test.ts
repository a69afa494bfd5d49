import { stringify } from 'yaml';
import { loadConfig } from '../../lib/config/load';
import { renderPlatformManifests } from '../../lib/workloads/manifests';
import { shardNamesOf } from '../../lib/workloads/victoriametrics/chart';
import { validateKubernetesObject } from '../support/kube-schema';
import { configWith } from '../support/platform';

const config = loadConfig('default');
// The storage and VictoriaMetrics charts; monitoring has its own tests (test/monitoring).
const VM_CHARTS = ['storage', 'victoriametrics'] as const;
const manifests = renderPlatformManifests(config, 'fs-0123456789abcdef0', VM_CHARTS);
const azs = config.availabilityZones;
const ns = config.victoriametrics.namespace;

const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podSpec = (name: string) => named('Deployment', name).spec.template.spec;
const container = (name: string) => podSpec(name).containers[0];
const args = (name: string): string[] => container(name).args;

const shards = shardNamesOf(config.victoriametrics.vmstorage.shards);
const components = ['vminsert', 'vmselect', ...shards];
const componentOf = (name: string) => (name.startsWith('vmstorage') ? 'vmstorage' : name);

describe('VictoriaMetrics manifests', () => {
  test('every object is valid against the Kubernetes schema', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      expect(() => validateKubernetesObject(m)).not.toThrow();
    }
  });

  test('match the snapshot (stable run to run)', () => {
    expect(stringify(manifests)).toMatchSnapshot();
    expect(renderPlatformManifests(config, 'fs-0123456789abcdef0', VM_CHARTS)).toEqual(manifests);
  });

  test('everything but the StorageClass lives in the configured namespace', () => {
    for (const m of manifests.filter((m) => !['Namespace', 'StorageClass'].includes(m.kind))) {
      expect([m.kind, m.metadata.namespace]).toEqual([m.kind, ns]);
    }
  });

  test('vmstorage is one single-replica Recreate Deployment per shard, never a StatefulSet', () => {
    expect(ofKind('StatefulSet')).toEqual([]);
    expect(shards).toEqual(['vmstorage-0', 'vmstorage-1', 'vmstorage-2']);
    for (const shard of shards) {
      const d = named('Deployment', shard);
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    }
  });

  test('each shard has its own EFS volume: its own claim, so its own access point and directory', () => {
    const claims = shards.map((shard) => podSpec(shard).volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName);
    expect(new Set(claims).size).toBe(shards.length);
    for (const claim of claims) {
      const pvc = named('PersistentVolumeClaim', claim);
      expect(pvc.spec.storageClassName).toBe('efs-vmstorage');
      expect(pvc.spec.resources.requests.storage).toBe('100Gi');
    }
    expect(container('vmstorage-0').volumeMounts).toEqual([expect.objectContaining({ mountPath: '/storage' })]);
    expect(args('vmstorage-0')).toContain('-storageDataPath=/storage');
  });

  test('the StorageClass provisions one EFS access point per claim, with no zonal topology', () => {
    const sc = named('StorageClass', 'efs-vmstorage');
    expect(sc.provisioner).toBe('efs.csi.aws.com');
    expect(sc.parameters).toMatchObject({ provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0', uid: '65534', gid: '65534' });
    expect(sc.allowedTopologies).toBeUndefined();
    expect(sc.reclaimPolicy).toBe('Retain');
  });

  test('shard i prefers AZ i mod N, so consecutive shards (vminsert replica order) sit in different AZs', () => {
    shards.forEach((shard, i) => {
      const affinity = podSpec(shard).affinity.nodeAffinity;
      expect(affinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      expect(affinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
        { weight: 100, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [azs[i % azs.length]] }] } },
      ]);
    });
  });

  test.each([
    [['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], 3],
    [['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], 12],
    [['eu-west-1a', 'eu-west-1b'], 4],
  ])('over %j with %i shards, the two copies of every series have different home AZs', (zones, count) => {
    const m = renderPlatformManifests(configWith({ availabilityZones: zones, victoriametrics: { vmstorage: { shards: count } } }));
    const home = (name: string) =>
      m.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec.affinity.nodeAffinity
        .preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0];
    // vminsert's order: the -storageNode list sorted as text, copies on the next node, cyclically.
    const ring = [...shardNamesOf(count)].sort();
    ring.forEach((shard, i) => expect(home(shard)).not.toBe(home(ring[(i + 1) % ring.length])));
  });

  test('with Karpenter, shards require on-demand nodes (a spot reclaim must not take one down)', () => {
    const karpenter = renderPlatformManifests(loadConfig('karpenter'));
    for (const d of karpenter.filter((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('vmstorage-'))) {
      expect(d.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] }],
      });
    }
    expect(podSpec('vmstorage-0').affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  });

  test('shard names sort as text in shard order, as vminsert sorts -storageNode', () => {
    const names = shardNamesOf(12);
    expect([...names].sort()).toEqual(names);
    expect(names[0]).toBe('vmstorage-00');
  });

  test.each(components)('%s spreads by zone (ScheduleAnyway) and host (DoNotSchedule, minDomains, dead nodes not counted)', (name) => {
    const selector = { matchLabels: { 'app.kubernetes.io/name': componentOf(name) } };
    const replicas = name === 'vminsert' || name === 'vmselect' ? 3 : shards.length;
    expect(podSpec(name).topologySpreadConstraints).toEqual([
      { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' },
      { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', minDomains: replicas, labelSelector: selector, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' },
    ]);
    // The spread selector must select the component's own pods.
    const labels = named('Deployment', name).spec.template.metadata.labels;
    expect(labels).toMatchObject(selector.matchLabels);
  });

  test.each(components)('%s leaves a lost node after 30 s, not 300 s', (name) => {
    expect(podSpec(name).tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
  });

  test.each(components)('%s probes readiness on /health and liveness so it cannot kill a healthy pod', (name) => {
    const c = container(name);
    const port = c.ports[0].containerPort;
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health', port }, periodSeconds: 5 });
    expect(c.livenessProbe.tcpSocket).toEqual({ port });
    expect(c.livenessProbe.failureThreshold * c.livenessProbe.periodSeconds).toBeGreaterThanOrEqual(60);
    expect(c.startupProbe.tcpSocket).toEqual({ port });
  });

  test.each(components)('%s requests CPU and memory and is limited in memory only', (name) => {
    const { resources } = container(name);
    expect(resources.requests.cpu).toBeDefined();
    expect(resources.requests.memory).toBeDefined();
    expect(resources.limits).toEqual({ memory: resources.requests.memory });
  });

  test.each(components)('%s runs hardened: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp', (name) => {
    const spec = podSpec(name);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container(name).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container(name).image).toBe(`victoriametrics/${componentOf(name)}:v1.150.0-cluster`);
    expect(container(name).imagePullPolicy).toBe('IfNotPresent');
  });

  test('vmstorage closes vminsert connections well within its grace period', () => {
    for (const shard of shards) {
      const shutdown = Number(/-storage\.vminsertConnsShutdownDuration=(\d+)s/.exec(args(shard).join(' '))![1]);
      expect(podSpec(shard).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(shutdown + 30);
    }
    expect(podSpec('vminsert').terminationGracePeriodSeconds).toBe(30);
    expect(podSpec('vmselect').terminationGracePeriodSeconds).toBe(60);
  });

  test('vminsert and vmselect get one -storageNode per shard, by stable DNS name, on 8400 and 8401', () => {
    const dns = (shard: string) => `${shard}.${ns}.svc.cluster.local`;
    expect(args('vminsert').filter((a) => a.startsWith('-storageNode='))).toEqual(shards.map((s) => `-storageNode=${dns(s)}:8400`));
    expect(args('vmselect').filter((a) => a.startsWith('-storageNode='))).toEqual(shards.map((s) => `-storageNode=${dns(s)}:8401`));
  });

  test('replication: vminsert writes 2 copies; vmselect knows it; both copies and the HA scrapes are deduplicated', () => {
    expect(args('vminsert')).toContain('-replicationFactor=2');
    expect(args('vmselect')).toEqual(expect.arrayContaining(['-replicationFactor=2', '-dedup.minScrapeInterval=30s']));
    for (const shard of shards) {
      expect(args(shard)).toContain('-dedup.minScrapeInterval=30s');
    }
    const custom = renderPlatformManifests(configWith({ victoriametrics: { dedupInterval: '1m' } }));
    const vmselect = custom.find((m) => m.kind === 'Deployment' && m.metadata.name === 'vmselect')!;
    expect(vmselect.spec.template.spec.containers[0].args).toContain('-dedup.minScrapeInterval=1m');
  });

  test('ports: vminsert 8480, vmselect 8481, vmstorage 8482/8400/8401', () => {
    expect(container('vminsert').ports).toEqual([{ name: 'http', containerPort: 8480 }]);
    expect(container('vmselect').ports).toEqual([{ name: 'http', containerPort: 8481 }]);
    expect(container('vmstorage-0').ports).toEqual([
      { name: 'http', containerPort: 8482 },
      { name: 'vminsert', containerPort: 8400 },
      { name: 'vmselect', containerPort: 8401 },
    ]);
  });

  test('each shard has a headless Service that publishes it before readiness', () => {
    for (const shard of shards) {
      const svc = named('Service', shard);
      expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
      expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'vmstorage', 'app.kubernetes.io/instance': shard });
      expect(svc.spec.ports.map((p: any) => p.port)).toEqual([8482, 8400, 8401]);
    }
    expect(named('Service', 'vminsert').spec.ports[0].port).toBe(8480);
    expect(named('Service', 'vmselect').spec.ports[0].port).toBe(8481);
  });

  test.each(['vminsert', 'vmselect', 'vmstorage'])('a PodDisruptionBudget covers %s and still lets a node drain', (component) => {
    const pdb = named('PodDisruptionBudget', component);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    const covered = ofKind('Deployment').filter((d) =>
      Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
    expect(covered.map((d) => d.metadata.name)).toEqual(component === 'vmstorage' ? shards : [component]);
  });
});
