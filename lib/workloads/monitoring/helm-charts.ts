import { PlatformConfig } from '../../config/schema';
import { NODE_LOSS_TOLERATIONS, zoneAndHostSpread } from '../scheduling';
import { PORTS } from '../victoriametrics/chart';
import { KUBE_STATE_METRICS_SERVICE } from './chart';

/**
 * The ecosystem's own charts for what the platform does not write itself, each pinned to a
 * chart version (the chart pins its image to its appVersion), with values that give them the
 * platform's spread, fast eviction from lost nodes and disruption budgets.
 *
 * Everything here is plain data: `WorkloadsStack` installs it with `eks.HelmChart`, and the
 * tests read it without a cluster.
 */
export interface HelmChartSpec {
  /** Helm repository URL. */
  readonly repository: string;
  /** Chart name in the repository. */
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** Release name (also the name of its main objects). */
  readonly release: string;
  /** Namespace of the release. */
  readonly namespace: string;
  /** Values passed to the chart. */
  readonly values: Record<string, unknown>;
}

/** The Grafana.com dashboard "VictoriaMetrics - cluster" and the revision VictoriaMetrics' k8s-stack chart documents. */
export const VM_CLUSTER_DASHBOARD = { gnetId: 11176, revision: 45 } as const;

export function monitoringHelmCharts(config: PlatformConfig): Record<'kubeStateMetrics' | 'metricsServer' | 'grafana' | 'descheduler', HelmChartSpec> {
  const ns = config.monitoring.namespace;
  const vmNs = config.victoriametrics.namespace;
  return {
    // kube-state-metrics 2.20.0 (chart 8.4.0, prometheus-community, newest when written).
    kubeStateMetrics: {
      repository: 'https://prometheus-community.github.io/helm-charts',
      chart: 'kube-state-metrics',
      version: '8.4.0',
      release: KUBE_STATE_METRICS_SERVICE,
      namespace: ns,
      values: {
        fullnameOverride: KUBE_STATE_METRICS_SERVICE,
        // Two replicas in two AZs, scraped through the Service (see scrape-config.ts): the
        // cluster's object state stays visible while an AZ is down.
        replicas: 2,
        podDisruptionBudget: { maxUnavailable: 1 },
        // The zone of every node and the app of every pod, for rules/kubernetes.yml.
        metricLabelsAllowlist: ['nodes=[topology.kubernetes.io/zone]', 'pods=[app.kubernetes.io/name,app.kubernetes.io/part-of]'],
        topologySpreadConstraints: zoneAndHostSpread({ 'app.kubernetes.io/name': 'kube-state-metrics' }, 2),
        tolerations: NODE_LOSS_TOLERATIONS,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        // vmagent scrapes it by its own configuration; no ServiceMonitor CRD is installed.
        prometheusScrape: false,
      },
    },
    // metrics-server 0.8.1 (chart 3.13.1, kubernetes-sigs, newest chart when written): the
    // resource metrics API the HorizontalPodAutoscalers of vminsert and vmselect read. The
    // official chart rather than the EKS community add-on, for its replicas, PDB and spread:
    // with one replica in a lost AZ, every HPA of the cluster would stall.
    metricsServer: {
      repository: 'https://kubernetes-sigs.github.io/metrics-server/',
      chart: 'metrics-server',
      version: '3.13.1',
      release: 'metrics-server',
      namespace: 'kube-system',
      values: {
        replicas: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        topologySpreadConstraints: zoneAndHostSpread({ 'app.kubernetes.io/name': 'metrics-server' }, 2),
        tolerations: NODE_LOSS_TOLERATIONS,
      },
    },
    // Grafana 13.2.0 (chart 12.11.1). The chart moved from grafana/helm-charts (deprecated,
    // last 10.5.15) to grafana-community/helm-charts in January 2026.
    grafana: {
      repository: 'https://grafana-community.github.io/helm-charts',
      chart: 'grafana',
      version: '12.11.1',
      release: 'grafana',
      namespace: ns,
      values: {
        // One replica: Grafana is not on the data path, and with the default SQLite each
        // replica would hold its own sessions. In a lost AZ it is replaced in about 2 minutes
        // (node grace period, the 30 s toleration, start) with every dashboard and datasource
        // provisioned again.
        replicas: 1,
        persistence: { enabled: false },
        testFramework: { enabled: false },
        tolerations: NODE_LOSS_TOLERATIONS,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        datasources: {
          'datasources.yaml': {
            apiVersion: 1,
            datasources: [
              {
                name: 'VictoriaMetrics',
                type: 'prometheus',
                uid: 'victoriametrics',
                access: 'proxy',
                url: `http://vmselect.${vmNs}.svc.cluster.local:${PORTS.vmselect}/select/0/prometheus`,
                isDefault: true,
                editable: false,
              },
            ],
          },
        },
        dashboardProviders: {
          'dashboardproviders.yaml': {
            apiVersion: 1,
            providers: [
              { name: 'victoriametrics', orgId: 1, folder: 'VictoriaMetrics', type: 'file', disableDeletion: true, editable: false, options: { path: '/var/lib/grafana/dashboards/victoriametrics' } },
            ],
          },
        },
        // Downloaded from grafana.com by the chart's init container when the pod starts: the
        // cluster needs egress to grafana.com then (synth and tests need no network).
        dashboards: { victoriametrics: { 'victoriametrics-cluster': { ...VM_CLUSTER_DASHBOARD, datasource: 'VictoriaMetrics' } } },
      },
    },
    // descheduler 0.36.0 (chart 0.36.0, kubernetes-sigs, newest when written). Nothing else
    // moves running pods back when a lost AZ returns; this does, through the Eviction API, so
    // every PodDisruptionBudget holds.
    descheduler: {
      repository: 'https://kubernetes-sigs.github.io/descheduler/',
      chart: 'descheduler',
      version: '0.36.0',
      release: 'descheduler',
      namespace: 'kube-system',
      values: {
        kind: 'CronJob',
        // Every 2 minutes, one run at a time: pods are back in balance a few runs after the AZ.
        schedule: '*/2 * * * *',
        tolerations: NODE_LOSS_TOLERATIONS,
        deschedulerPolicy: {
          profiles: [
            {
              name: 'rebalance-zones',
              pluginConfig: [
                {
                  name: 'DefaultEvictor',
                  args: {
                    // Evict only a pod that fits on another node, so a run never leaves one Pending.
                    nodeFit: true,
                    // vmselect's cache and vmagent's buffer are emptyDirs: the cache refills,
                    // and vmagent's buffer has a second copy in another AZ (replication 2).
                    podProtections: { defaultDisabled: ['PodsWithLocalStorage'] },
                  },
                },
                {
                  name: 'RemovePodsViolatingTopologySpreadConstraint',
                  args: {
                    // The zone spread is ScheduleAnyway (scheduling.ts): hard constraints alone
                    // would never rebalance zones.
                    constraints: ['DoNotSchedule', 'ScheduleAnyway'],
                    namespaces: { include: [vmNs, ns] },
                  },
                },
              ],
              plugins: { balance: { enabled: ['RemovePodsViolatingTopologySpreadConstraint'] } },
            },
          ],
        },
      },
    },
  };
}
