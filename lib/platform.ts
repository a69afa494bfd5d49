import { App } from 'aws-cdk-lib';
import { ClusterStack } from './cluster/cluster-stack';
import { PlatformConfig } from './config/schema';
import { NetworkStack } from './network/network-stack';
import { StorageStack } from './storage/storage-stack';
import { WorkloadsStack } from './workloads/workloads-stack';

export interface Platform {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly storage: StorageStack;
  readonly workloads: WorkloadsStack;
}

/**
 * The platform's stacks, in deployment order: network, cluster, storage (EFS, which admits
 * only the cluster's nodes), workloads (Kubernetes objects, which need the file system ID).
 */
export function buildPlatform(app: App, config: PlatformConfig): Platform {
  const name = config.clusterName;
  const network = new NetworkStack(app, `${name}-network`, { config, description: 'vm-multiaz: VPC across AZs' });
  const cluster = new ClusterStack(app, `${name}-cluster`, { config, network, description: 'vm-multiaz: EKS with capacity in every AZ' });
  const storage = new StorageStack(app, `${name}-storage`, { config, network, cluster, description: 'vm-multiaz: EFS for vmstorage' });
  const workloads = new WorkloadsStack(app, `${name}-workloads`, { config, cluster, storage, description: 'vm-multiaz: VictoriaMetrics cluster' });
  return { network, cluster, storage, workloads };
}
