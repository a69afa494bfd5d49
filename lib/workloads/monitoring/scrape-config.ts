/**
 * vmagent's scrape configuration: Kubernetes service discovery for the platform's own
 * components, the kubelets and cAdvisor through the API server, and kube-state-metrics
 * through its Service.
 *
 * Every job names itself after the component (`job="vmstorage"` and so on) so that the rules
 * in `rules/` can select by job.
 */

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ScrapeConfigProps {
  /** Namespace of vminsert, vmselect and vmstorage. */
  readonly victoriametricsNamespace: string;
  /** Namespace of vmagent, vmalert, Alertmanager and kube-state-metrics. */
  readonly monitoringNamespace: string;
  /** Scrape interval of every job, e.g. "30s". */
  readonly scrapeInterval: string;
  /** `host:port` of kube-state-metrics' Service. */
  readonly kubeStateMetrics: string;
}

/** Pods of `namespace` labelled `app.kubernetes.io/name=<app>`, scraped on their port named `http`. */
function podJob(job: string, namespace: string, app: string): Record<string, unknown> {
  return {
    job_name: job,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
    relabel_configs: [
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: app },
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http' },
      // Pods that are Pending have no address yet; a Succeeded or Failed pod serves nothing.
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'instance' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
    ],
  };
}

/**
 * The kubelet's own metrics and its cAdvisor, through the API server's node proxy: TLS is
 * verified against the cluster CA and authorised by RBAC (`nodes/proxy`), with no kubelet
 * port opened to pods and no `insecure_skip_verify`.
 */
function kubeletJob(job: string, metricsPath: string): Record<string, unknown> {
  return {
    job_name: job,
    scheme: 'https',
    tls_config: { ca_file: `${SA_DIR}/ca.crt` },
    bearer_token_file: `${SA_DIR}/token`,
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [
      { target_label: '__address__', replacement: 'kubernetes.default.svc:443' },
      { source_labels: ['__meta_kubernetes_node_name'], target_label: '__metrics_path__', replacement: `/api/v1/nodes/$1/proxy${metricsPath}` },
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'instance' },
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
      { source_labels: ['__meta_kubernetes_node_label_topology_kubernetes_io_zone'], target_label: 'zone' },
    ],
  };
}

export function scrapeConfig(props: ScrapeConfigProps): Record<string, unknown> {
  const vm = props.victoriametricsNamespace;
  const mon = props.monitoringNamespace;
  return {
    global: { scrape_interval: props.scrapeInterval, scrape_timeout: props.scrapeInterval },
    scrape_configs: [
      podJob('vminsert', vm, 'vminsert'),
      podJob('vmselect', vm, 'vmselect'),
      podJob('vmstorage', vm, 'vmstorage'),
      podJob('vmagent', mon, 'vmagent'),
      podJob('vmalert', mon, 'vmalert'),
      podJob('alertmanager', mon, 'alertmanager'),
      kubeletJob('kubelet', '/metrics'),
      kubeletJob('cadvisor', '/metrics/cadvisor'),
      {
        // Through the Service, not per pod: both replicas export the same objects, and
        // scraping each would count every pod twice. Whichever replica answers, the series
        // are the same (instance is fixed), so losing one replica's AZ changes nothing.
        job_name: 'kube-state-metrics',
        honor_labels: true,
        static_configs: [{ targets: [props.kubeStateMetrics], labels: { instance: 'kube-state-metrics' } }],
      },
    ],
  };
}
