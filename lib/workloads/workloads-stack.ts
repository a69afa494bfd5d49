import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterStack } from '../cluster/cluster-stack';
import { PlatformStack, PlatformStackProps } from '../platform-stack';
import { StorageStack } from '../storage/storage-stack';
import { buildPlatformCharts } from './manifests';
import { monitoringHelmCharts } from './monitoring/helm-charts';

export interface WorkloadsStackProps extends PlatformStackProps {
  readonly cluster: ClusterStack;
  readonly storage: StorageStack;
}

/** The Kubernetes side of the platform, applied through the cluster's kubectl provider. */
export class WorkloadsStack extends PlatformStack {
  constructor(scope: Construct, id: string, props: WorkloadsStackProps) {
    super(scope, id, props);
    const { cluster } = props.cluster;
    const charts = buildPlatformCharts(new cdk8s.App(), this.config, props.storage.fileSystem.fileSystemId);

    const storageClass = new eks.KubernetesManifest(this, 'StorageClass', { cluster, manifest: charts.storage.toJson() });
    const victoriametrics = new eks.KubernetesManifest(this, 'VictoriaMetrics', { cluster, manifest: charts.victoriametrics.toJson() });
    victoriametrics.node.addDependency(storageClass);

    // vmagent, vmalert, Alertmanager (and the monitoring namespace), then the ecosystem's
    // charts, each pinned in ./monitoring/helm-charts.ts.
    const monitoring = new eks.KubernetesManifest(this, 'Monitoring', { cluster, manifest: charts.monitoring.toJson() });
    monitoring.node.addDependency(victoriametrics);
    for (const [id, spec] of Object.entries(monitoringHelmCharts(this.config))) {
      const chart = new eks.HelmChart(this, `Helm${id[0].toUpperCase()}${id.slice(1)}`, {
        cluster,
        repository: spec.repository,
        chart: spec.chart,
        version: spec.version,
        release: spec.release,
        namespace: spec.namespace,
        values: spec.values,
        // The monitoring namespace is the Monitoring manifest's; kube-system exists.
        createNamespace: false,
      });
      if (spec.namespace === charts.monitoring.namespace) chart.node.addDependency(monitoring);
    }
  }
}
