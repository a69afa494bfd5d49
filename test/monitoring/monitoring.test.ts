import { parse } from 'yaml';
import { loadConfig } from '../../lib/config/load';
import { renderPlatformManifests } from '../../lib/workloads/manifests';
import { loadRuleFiles } from '../../lib/workloads/monitoring/rules';
import { monitoringHelmCharts } from '../../lib/workloads/monitoring/helm-charts';
import { NODE_LOSS_TOLERATION, zoneAndHostSpread } from '../../lib/workloads/scheduling';
import { validateKubernetesObject } from '../support/kube-schema';
import { configWith } from '../support/platform';

const config = loadConfig('default');
const manifests = renderPlatformManifests(config, 'fs-0123456789abcdef0', ['monitoring']);
const platform = renderPlatformManifests(config, 'fs-0123456789abcdef0');
const azs = config.availabilityZones;
const ns = config.monitoring.namespace;

const named = (kind: string, name: string, from = manifests) => {
  const found = from.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podSpec = (kind: string, name: string) => named(kind, name).spec.template.spec;
const argsOf = (kind: string, name: string): string[] => podSpec(kind, name).containers[0].args;
const WORKLOADS = [
  ['StatefulSet', 'vmagent'],
  ['StatefulSet', 'alertmanager'],
  ['Deployment', 'vmalert'],
] as const;

describe('monitoring manifests', () => {
  test('every object is valid against the Kubernetes schema and lives in the monitoring namespace', () => {
    for (const m of manifests) {
      expect(() => validateKubernetesObject(m)).not.toThrow();
      if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(m.kind)) expect([m.kind, m.metadata.name, m.metadata.namespace]).toEqual([m.kind, m.metadata.name, ns]);
    }
  });

  test.each(WORKLOADS)('%s %s: one per AZ, spread by zone and host, hardened, evicted fast from a lost node, with a PDB', (kind, name) => {
    const workload = named(kind, name);
    const spec = podSpec(kind, name);
    expect(workload.spec.replicas).toBe(azs.length);
    expect(spec.topologySpreadConstraints).toEqual(zoneAndHostSpread({ 'app.kubernetes.io/name': name }, azs.length));
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of spec.containers) {
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.resources.limits.memory).toBe(c.resources.requests.memory);
      expect(c.image).toMatch(/:v[0-9]+\.[0-9]+\.[0-9]+$/);
    }
    expect(spec.tolerations).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unreachable', tolerationSeconds: NODE_LOSS_TOLERATION.toSeconds() })]),
    );
    expect(named('PodDisruptionBudget', name).spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } });
  });

  test('never fewer than 2 members, one per AZ', () => {
    const two = renderPlatformManifests(configWith({ availabilityZones: ['eu-west-1a', 'eu-west-1b'], victoriametrics: { vmstorage: { shards: 4 } } }), 'fs-1', ['monitoring']);
    expect(named('StatefulSet', 'vmagent', two).spec.replicas).toBe(2);
    expect(named('StatefulSet', 'vmagent', two).spec.template.spec.containers[0].args).toContain('-promscrape.cluster.membersCount=2');
  });

  test('vmagent is a scrape cluster: member number from the pod name, every target scraped by 2 members', () => {
    const args = argsOf('StatefulSet', 'vmagent');
    expect(args).toEqual(
      expect.arrayContaining([`-promscrape.cluster.membersCount=${azs.length}`, '-promscrape.cluster.memberNum=$(POD_NAME)', '-promscrape.cluster.replicationFactor=2']),
    );
    expect(podSpec('StatefulSet', 'vmagent').containers[0].env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    // No label that differs per member: two copies of a target are one series, never two.
    expect(args.filter((a) => /memberLabel|external\.label|cluster\.name/.test(a))).toEqual([]);
  });

  test('vmagent remote-writes to vminsert through an on-disk buffer on a reserved volume', () => {
    const args = argsOf('StatefulSet', 'vmagent');
    expect(args).toContain('-remoteWrite.url=http://vminsert.victoriametrics.svc.cluster.local:8480/insert/0/prometheus/api/v1/write');
    expect(args).toContain('-remoteWrite.tmpDataPath=/buffer');
    expect(args).toContain('-remoteWrite.maxDiskUsagePerURL=4GiB');
    const spec = podSpec('StatefulSet', 'vmagent');
    const mount = spec.containers[0].volumeMounts.find((v: any) => v.mountPath === '/buffer');
    expect(spec.volumes.find((v: any) => v.name === mount.name).emptyDir.sizeLimit).toBe('5120Mi');
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBe('5Gi');
  });

  test('vmagent scrapes the cluster, itself, the kubelets, cAdvisor and kube-state-metrics by service discovery', () => {
    const scrape = parse(named('ConfigMap', 'vmagent-config').data['scrape.yml']);
    const jobs = Object.fromEntries(scrape.scrape_configs.map((j: any) => [j.job_name, j]));
    expect(Object.keys(jobs)).toEqual(['vminsert', 'vmselect', 'vmstorage', 'vmagent', 'vmalert', 'alertmanager', 'kubelet', 'cadvisor', 'kube-state-metrics']);
    for (const job of ['vminsert', 'vmselect', 'vmstorage']) {
      expect(jobs[job].kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['victoriametrics'] } }]);
      expect(jobs[job].relabel_configs[0]).toEqual({ action: 'keep', source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: job });
    }
    expect(jobs.cadvisor.kubernetes_sd_configs).toEqual([{ role: 'node' }]);
    expect(jobs.cadvisor.relabel_configs).toEqual(expect.arrayContaining([expect.objectContaining({ target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' })]));
    expect(jobs.cadvisor.tls_config.insecure_skip_verify).toBeUndefined();
    expect(jobs['kube-state-metrics'].static_configs[0].targets).toEqual(['kube-state-metrics.monitoring.svc.cluster.local:8080']);
  });

  test('vmagent may read what it discovers and scrapes, and nothing else', () => {
    const role = named('ClusterRole', 'monitoring-vmagent');
    for (const rule of role.rules) expect(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
    expect(role.rules[0].resources).toEqual(expect.arrayContaining(['nodes/proxy', 'pods', 'nodes']));
    expect(named('ClusterRoleBinding', 'monitoring-vmagent').subjects).toEqual([{ kind: 'ServiceAccount', name: 'vmagent', namespace: ns }]);
    expect(podSpec('StatefulSet', 'vmagent').serviceAccountName).toBe('vmagent');
    expect(podSpec('Deployment', 'vmalert').automountServiceAccountToken).toBe(false);
  });

  test('vmalert reads vmselect, writes alert state to vminsert and notifies every Alertmanager member', () => {
    const args = argsOf('Deployment', 'vmalert');
    expect(args).toEqual(
      expect.arrayContaining([
        '-datasource.url=http://vmselect.victoriametrics.svc.cluster.local:8481/select/0/prometheus',
        '-remoteWrite.url=http://vminsert.victoriametrics.svc.cluster.local:8480/insert/0/prometheus',
        '-remoteRead.url=http://vmselect.victoriametrics.svc.cluster.local:8481/select/0/prometheus',
        '-rule=/rules/*.yml',
      ]),
    );
    expect(args.filter((a) => a.startsWith('-notifier.url='))).toEqual(azs.map((_, i) => `-notifier.url=http://alertmanager-${i}.alertmanager.monitoring.svc.cluster.local:9093`));
  });

  test('vmalert evaluates exactly the files of rules/', () => {
    expect(named('ConfigMap', 'vmalert-rules').data).toEqual(loadRuleFiles());
  });

  test('Alertmanager is one cluster: every member peers with every member through a headless Service', () => {
    const args = argsOf('StatefulSet', 'alertmanager');
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toEqual(azs.map((_, i) => `--cluster.peer=alertmanager-${i}.alertmanager.monitoring.svc.cluster.local:9094`));
    const service = named('Service', 'alertmanager');
    expect(service.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(named('StatefulSet', 'alertmanager').spec.serviceName).toBe('alertmanager');
    expect(parse(named('ConfigMap', 'alertmanager-config').data['alertmanager.yml']).route.receiver).toBe('default');
  });
});

describe('autoscaling', () => {
  const hpas = platform.filter((m) => m.kind === 'HorizontalPodAutoscaler');

  test('vminsert and vmselect scale on CPU between one per AZ and 3 per AZ; vmstorage never', () => {
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['vminsert', 'vmselect']);
    for (const hpa of hpas) {
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(() => validateKubernetesObject(hpa)).not.toThrow();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(azs.length);
      expect(hpa.spec.maxReplicas).toBe(3 * azs.length);
      expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
      expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
    }
  });

  test('the range follows the configuration: replicas is the floor, maxReplicas the ceiling', () => {
    const m = renderPlatformManifests(
      configWith({ victoriametrics: { vminsert: { replicas: 4 } }, monitoring: { autoscaling: { vminsert: { maxReplicas: 12 } } } }),
      'fs-1',
      ['victoriametrics'],
    );
    const hpa = named('HorizontalPodAutoscaler', 'vminsert', m);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([4, 12]);
  });
});

describe('Helm charts', () => {
  const charts = monitoringHelmCharts(config);

  test('every chart is pinned to an exact version', () => {
    for (const spec of Object.values(charts)) expect(spec.version).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+$/);
    expect(Object.fromEntries(Object.entries(charts).map(([k, v]) => [k, `${v.chart}@${v.version}`]))).toEqual({
      kubeStateMetrics: 'kube-state-metrics@8.4.0',
      metricsServer: 'metrics-server@3.13.1',
      grafana: 'grafana@12.11.1',
      descheduler: 'descheduler@0.36.0',
    });
  });

  test('the descheduler rebalances both hard and soft spread constraints of the platform, evicting only what fits elsewhere', () => {
    const profile = (charts.descheduler.values.deschedulerPolicy as any).profiles[0];
    const spread = profile.pluginConfig.find((p: any) => p.name === 'RemovePodsViolatingTopologySpreadConstraint');
    expect(spread.args.constraints).toEqual(['DoNotSchedule', 'ScheduleAnyway']);
    expect(spread.args.namespaces.include).toEqual(['victoriametrics', 'monitoring']);
    expect(profile.plugins.balance.enabled).toEqual(['RemovePodsViolatingTopologySpreadConstraint']);
    expect(profile.pluginConfig.find((p: any) => p.name === 'DefaultEvictor').args.nodeFit).toBe(true);
    expect(charts.descheduler.values.schedule).toBe('*/2 * * * *');
  });

  test('Grafana reads vmselect and provisions the VictoriaMetrics cluster dashboard', () => {
    const values = charts.grafana.values as any;
    expect(values.datasources['datasources.yaml'].datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://vmselect.victoriametrics.svc.cluster.local:8481/select/0/prometheus' });
    expect(values.dashboards.victoriametrics['victoriametrics-cluster']).toMatchObject({ gnetId: 11176, datasource: 'VictoriaMetrics' });
  });

  test('kube-state-metrics and metrics-server survive an AZ: 2 replicas spread by zone, with a PDB', () => {
    for (const [spec, name] of [
      [charts.kubeStateMetrics, 'kube-state-metrics'],
      [charts.metricsServer, 'metrics-server'],
    ] as const) {
      expect(spec.values.replicas).toBe(2);
      expect(spec.values.topologySpreadConstraints).toEqual(zoneAndHostSpread({ 'app.kubernetes.io/name': name }, 2));
      expect(spec.values.podDisruptionBudget).toMatchObject({ maxUnavailable: 1 });
    }
    expect(charts.kubeStateMetrics.values.metricLabelsAllowlist).toContain('nodes=[topology.kubernetes.io/zone]');
  });
});
