import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/schema';
import { NetworkStack } from '../../network/network-stack';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { Karpenter } from './karpenter';
import { CapacityPlan, capacityOf } from './model';
import { PerAzNodeGroups } from './node-groups';

export { capacityOf } from './model';
export type { CapacityPlan, NodeGroupPlan, NodePoolPlan, ZoneCapacity } from './model';

export interface CapacityProps {
  readonly cluster: eks.Cluster;
  readonly network: NetworkStack;
  readonly config: PlatformConfig;
}

/**
 * The cluster's nodes, by `capacity.mode`:
 * - `nodegroups`: one managed node group per AZ, scaled by cluster-autoscaler;
 * - `karpenter`: a fixed system node group per AZ (Karpenter and CoreDNS) and a Karpenter
 *   NodePool over every configured AZ for everything else.
 */
export class Capacity extends Construct {
  readonly plan: CapacityPlan;
  readonly nodeGroups: PerAzNodeGroups;
  readonly clusterAutoscaler?: ClusterAutoscaler;
  readonly karpenter?: Karpenter;

  constructor(scope: Construct, id: string, props: CapacityProps) {
    super(scope, id);
    const { cluster, config } = props;
    const c = config.capacity;
    this.plan = capacityOf(config);
    const podIdentityAgent = cluster.eksPodIdentityAgent!;

    if (c.mode === 'nodegroups') {
      this.nodeGroups = new PerAzNodeGroups(this, 'NodeGroups', {
        cluster,
        network: props.network,
        groups: this.plan.nodeGroups,
        diskSizeGiB: c.nodeGroups.diskSizeGiB,
        // The discovery tags cluster-autoscaler looks for. EKS puts the same two on every managed
        // group's Auto Scaling group, which is where discovery reads them; here they also show
        // in `aws eks describe-nodegroup` which groups the autoscaler owns. Node-template label
        // and taint tags are left out: cluster-autoscaler reads a managed group's labels and
        // taints from DescribeNodegroup when it is at zero nodes.
        tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${config.clusterName}`]: 'owned' },
      });
      this.clusterAutoscaler = new ClusterAutoscaler(this, 'ClusterAutoscaler', {
        cluster,
        config,
        dependencies: [podIdentityAgent, ...Object.values(this.nodeGroups.byZone)],
      });
    } else {
      this.nodeGroups = new PerAzNodeGroups(this, 'SystemNodeGroups', {
        cluster,
        network: props.network,
        groups: this.plan.nodeGroups,
        diskSizeGiB: c.systemNodeGroups.diskSizeGiB,
      });
      this.karpenter = new Karpenter(this, 'Karpenter', {
        cluster,
        config,
        nodePool: this.plan.nodePools[0],
        dependencies: [podIdentityAgent, ...Object.values(this.nodeGroups.byZone)],
      });
    }
  }
}
