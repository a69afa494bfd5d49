import { ApiObject, Chart, ChartProps, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { PlatformConfig } from '../../config/schema';
import { appLabels, clusterService, disruptionBudget, headlessService, selectorOf, vmProbes } from '../objects';
import { HARDENED_CONTAINER, applyPlatformPodPolicy } from '../scheduling';
import { PORTS, containerResources } from '../victoriametrics/chart';
import { loadRuleFiles } from './rules';
import { scrapeConfig } from './scrape-config';

export const MONITORING_PORTS = {
  vmagent: 8429,
  vmalert: 8880,
  alertmanager: 9093,
  alertmanagerCluster: 9094,
  kubeStateMetrics: 8080,
} as const;

/**
 * Alertmanager v0.34.0 (quay.io/prometheus/alertmanager), the newest release tag of
 * prometheus/alertmanager when this was written; pinned so a deploy never changes it silently.
 */
export const ALERTMANAGER_IMAGE = 'quay.io/prometheus/alertmanager:v0.34.0';

/** The Service name kube-state-metrics' Helm release gets (see ./helm-charts.ts). */
export const KUBE_STATE_METRICS_SERVICE = 'kube-state-metrics';

/** The label the zone-balance rule (rules/kubernetes.yml) selects the platform's pods by. */
export const PART_OF = 'monitoring';

export interface MonitoringChartProps extends ChartProps {
  /** The platform configuration; the chart reads `availabilityZones`, `victoriametrics` and `monitoring`. */
  readonly config: PlatformConfig;
}

/**
 * The platform watching itself, spread across the AZs like the cluster it watches:
 *
 * - **vmagent**, a StatefulSet of one pod per AZ (at least 2) run as a scrape cluster with
 *   replication factor 2: every target is scraped by exactly two members, which sit in two
 *   different AZs, so losing an AZ loses no target. Both copies carry identical labels (no
 *   per-replica label), so an aggregation never counts a target twice; the copies are samples
 *   of one series a few seconds apart, which vmstorage and vmselect collapse by deduplicating
 *   at the scrape interval (`victoriametrics.dedupInterval`).
 *   Remote write goes to vminsert through an on-disk buffer (`-remoteWrite.tmpDataPath`), so
 *   a vminsert outage delays data instead of dropping it.
 * - **vmalert**, a Deployment of one pod per AZ, each evaluating every rule of `rules/` against
 *   vmselect and notifying every Alertmanager, which deduplicates.
 * - **Alertmanager**, a StatefulSet of one pod per AZ gossiping as one cluster
 *   (`--cluster.peer` per member), so a notification goes out once while any member lives.
 */
export class MonitoringChart extends Chart {
  readonly namespace: string;
  private readonly config: PlatformConfig;
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { ...props, namespace: props.config.monitoring.namespace });
    this.config = props.config;
    this.namespace = props.config.monitoring.namespace;
    // One per AZ, never fewer than 2: one AZ's loss must leave a working member.
    this.replicas = Math.max(props.config.availabilityZones.length, 2);

    new kplus.Namespace(this, 'namespace', { metadata: { name: this.namespace, namespace: undefined } });
    this.vmagent();
    this.alertmanager();
    this.vmalert();
  }

  /** `http://<name>.<namespace>.svc.cluster.local:<port>` of a VictoriaMetrics component. */
  private vmUrl(component: 'vminsert' | 'vmselect'): string {
    return `http://${component}.${this.config.victoriametrics.namespace}.svc.cluster.local:${PORTS[component]}`;
  }

  /** vmagent, vmalert and VictoriaMetrics come from the same release: `v1.150.0-cluster` → `v1.150.0`. */
  private get vmVersion(): string {
    return this.config.victoriametrics.version.replace(/-cluster$/, '');
  }

  private vmagent(): void {
    const { monitoring } = this.config;
    const name = 'vmagent';
    const port = MONITORING_PORTS.vmagent;
    const labels = appLabels({ name, partOf: PART_OF, version: this.vmVersion });
    const bufferGiB = Number(monitoring.vmagentBufferSize.replace(/Gi$/, ''));

    const serviceAccount = new kplus.ServiceAccount(this, `${name}-sa`, { metadata: { name }, automountToken: true });
    const role = new kplus.k8s.KubeClusterRole(this, `${name}-clusterrole`, {
      metadata: { name: `${this.namespace}-${name}`, labels },
      rules: [
        // Service discovery (role: pod, node) and the kubelet / cAdvisor scrapes through the
        // API server's node proxy.
        { apiGroups: [''], resources: ['nodes', 'nodes/proxy', 'nodes/metrics', 'pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceUrLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
      ],
    });
    new kplus.k8s.KubeClusterRoleBinding(this, `${name}-clusterrolebinding`, {
      metadata: { name: `${this.namespace}-${name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: this.namespace }],
    });

    const config = new kplus.ConfigMap(this, `${name}-config`, {
      metadata: { name: `${name}-config`, labels },
      data: {
        'scrape.yml': YAML.stringify(
          scrapeConfig({
            victoriametricsNamespace: this.config.victoriametrics.namespace,
            monitoringNamespace: this.namespace,
            scrapeInterval: monitoring.scrapeInterval,
            kubeStateMetrics: `${KUBE_STATE_METRICS_SERVICE}.${this.namespace}.svc.cluster.local:${MONITORING_PORTS.kubeStateMetrics}`,
          }),
        ),
      },
    });

    const service = headlessService(this, name, labels, [{ name: 'http', port }]);
    const statefulSet = this.statefulSet(name, labels, service);
    const buffer = kplus.Volume.fromEmptyDir(this, `${name}-buffer`, 'buffer', { sizeLimit: Size.gibibytes(bufferGiB + 1) });
    statefulSet.addContainer({
      name,
      image: `victoriametrics/vmagent:${this.vmVersion}`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [
        `-httpListenAddr=:${port}`,
        '-loggerFormat=json',
        '-promscrape.config=/config/scrape.yml',
        // Scrape cluster: member N of `replicas` (the StatefulSet ordinal, which vmagent reads
        // from the end of the pod name), each target scraped by 2 members.
        `-promscrape.cluster.membersCount=${this.replicas}`,
        '-promscrape.cluster.memberNum=$(POD_NAME)',
        '-promscrape.cluster.replicationFactor=2',
        `-promscrape.cluster.memberURLTemplate=http://${name}-%d.${name}.${this.namespace}.svc.cluster.local:${port}/targets`,
        `-remoteWrite.url=${this.vmUrl('vminsert')}/insert/0/prometheus/api/v1/write`,
        '-remoteWrite.tmpDataPath=/buffer',
        `-remoteWrite.maxDiskUsagePerURL=${bufferGiB}GiB`,
      ],
      envVariables: { POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) },
      ports: [{ name: 'http', number: port }],
      securityContext: HARDENED_CONTAINER,
      ...vmProbes(port),
      volumeMounts: [
        { path: '/config', volume: kplus.Volume.fromConfigMap(this, `${name}-config-volume`, config) },
        { path: '/buffer', volume: buffer },
      ],
      resources: {
        ...containerResources({ cpu: '250m', memory: '512Mi' }),
        // The buffer lives on the node's disk: reserve it, so a full buffer cannot evict the pod.
        ephemeralStorage: { request: Size.gibibytes(bufferGiB + 1), limit: Size.gibibytes(bufferGiB + 2) },
      },
    });
    ApiObject.of(statefulSet).addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', serviceAccount.name));
    applyPlatformPodPolicy(statefulSet, { 'app.kubernetes.io/name': name }, this.replicas);
    disruptionBudget(this, name, labels, selectorOf(labels));
  }

  private alertmanager(): void {
    const name = 'alertmanager';
    const port = MONITORING_PORTS.alertmanager;
    const cluster = MONITORING_PORTS.alertmanagerCluster;
    const labels = appLabels({ name, partOf: PART_OF, version: ALERTMANAGER_IMAGE.split(':v')[1] });
    const config = new kplus.ConfigMap(this, `${name}-config`, {
      metadata: { name: `${name}-config`, labels },
      data: { 'alertmanager.yml': YAML.stringify(alertmanagerConfig()) },
    });
    // Published before readiness: members must find each other to become ready at all.
    const service = headlessService(this, name, labels, [
      { name: 'http', port },
      { name: 'cluster', port: cluster },
    ]);
    const statefulSet = this.statefulSet(name, labels, service);
    statefulSet.addContainer({
      name,
      image: ALERTMANAGER_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [
        '--config.file=/etc/alertmanager/alertmanager.yml',
        '--storage.path=/alertmanager',
        `--web.listen-address=:${port}`,
        `--cluster.listen-address=0.0.0.0:${cluster}`,
        `--cluster.advertise-address=$(POD_IP):${cluster}`,
        ...this.memberHosts(name).map((host) => `--cluster.peer=${host}:${cluster}`),
      ],
      envVariables: { POD_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
      ports: [
        { name: 'http', number: port },
        { name: 'cluster', number: cluster },
      ],
      securityContext: HARDENED_CONTAINER,
      readiness: kplus.Probe.fromHttpGet('/-/ready', { port, periodSeconds: Duration.seconds(5) }),
      liveness: kplus.Probe.fromHttpGet('/-/healthy', { port, periodSeconds: Duration.seconds(10), failureThreshold: 6 }),
      volumeMounts: [
        { path: '/etc/alertmanager', volume: kplus.Volume.fromConfigMap(this, `${name}-config-volume`, config) },
        // Silences and the notification log: replicated by gossip, so a lost member loses nothing.
        { path: '/alertmanager', volume: kplus.Volume.fromEmptyDir(this, `${name}-data`, 'data', { sizeLimit: Size.gibibytes(1) }) },
      ],
      resources: containerResources({ cpu: '50m', memory: '128Mi' }),
    });
    applyPlatformPodPolicy(statefulSet, { 'app.kubernetes.io/name': name }, this.replicas);
    disruptionBudget(this, name, labels, selectorOf(labels));
  }

  private vmalert(): void {
    const name = 'vmalert';
    const port = MONITORING_PORTS.vmalert;
    const labels = appLabels({ name, partOf: PART_OF, version: this.vmVersion });
    const rules = new kplus.ConfigMap(this, `${name}-rules`, { metadata: { name: `${name}-rules`, labels }, data: loadRuleFiles() });
    const deployment = new kplus.Deployment(this, name, {
      metadata: { name, labels },
      replicas: this.replicas,
      select: false,
      automountServiceAccountToken: false,
      podMetadata: { labels },
      securityContext: { ensureNonRoot: true, user: 65534, group: 65534 },
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    });
    deployment.select(kplus.LabelSelector.of({ labels: selectorOf(labels) }));
    deployment.addContainer({
      name,
      image: `victoriametrics/vmalert:${this.vmVersion}`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [
        `-httpListenAddr=:${port}`,
        '-loggerFormat=json',
        '-rule=/rules/*.yml',
        `-evaluationInterval=${this.config.monitoring.scrapeInterval}`,
        `-datasource.url=${this.vmUrl('vmselect')}/select/0/prometheus`,
        // Alert state (ALERTS, ALERTS_FOR_STATE) is written back, and read on start so a
        // restarted vmalert resumes pending alerts instead of restarting their `for`.
        `-remoteWrite.url=${this.vmUrl('vminsert')}/insert/0/prometheus`,
        `-remoteRead.url=${this.vmUrl('vmselect')}/select/0/prometheus`,
        // Every Alertmanager member, as Alertmanager's HA requires: they deduplicate.
        ...this.memberHosts('alertmanager').map((host) => `-notifier.url=http://${host}:${MONITORING_PORTS.alertmanager}`),
      ],
      ports: [{ name: 'http', number: port }],
      securityContext: HARDENED_CONTAINER,
      ...vmProbes(port),
      volumeMounts: [{ path: '/rules', volume: kplus.Volume.fromConfigMap(this, `${name}-rules-volume`, rules) }],
      resources: containerResources({ cpu: '100m', memory: '256Mi' }),
    });
    applyPlatformPodPolicy(deployment, { 'app.kubernetes.io/name': name }, this.replicas);
    clusterService(this, name, labels, port);
    disruptionBudget(this, name, labels, selectorOf(labels));
  }

  /** Stable DNS names of a StatefulSet's members through its headless Service. */
  private memberHosts(name: string): string[] {
    return Array.from({ length: this.replicas }, (_, i) => `${name}-${i}.${name}.${this.namespace}.svc.cluster.local`);
  }

  /**
   * A StatefulSet for stable member names (vmagent's member number, Alertmanager's peers).
   * `Parallel`: members start and stop independently; a StatefulSet pod in a lost AZ is not
   * replaced until its node is gone, which the other members make harmless.
   */
  private statefulSet(name: string, labels: Record<string, string>, service: kplus.Service): kplus.StatefulSet {
    const statefulSet = new kplus.StatefulSet(this, name, {
      metadata: { name, labels },
      replicas: this.replicas,
      service,
      select: false,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      automountServiceAccountToken: name === 'vmagent',
      podMetadata: { labels },
      securityContext: { ensureNonRoot: true, user: 65534, group: 65534, fsGroup: 65534 },
    });
    statefulSet.select(kplus.LabelSelector.of({ labels: selectorOf(labels) }));
    return statefulSet;
  }
}

/**
 * Alertmanager's configuration: group by alert and namespace, and deliver to `default`, which
 * has no integration until the operator adds one (README, "Operations"): a platform must not
 * ship someone's webhook. Alerts are visible in the Alertmanager UI and vmalert meanwhile.
 */
export function alertmanagerConfig(): Record<string, unknown> {
  return {
    route: {
      receiver: 'default',
      group_by: ['alertname', 'namespace'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
    },
    // A critical alert silences the warning of the same name and instance.
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'instance'] }],
    receivers: [{ name: 'default' }],
  };
}
