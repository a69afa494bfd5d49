import type { KarpenterCapacityConfig } from '../../config/schema';
import { SYSTEM_NODE_LABEL } from './model';
import { KARPENTER_NODEPOOL, NodePoolPlan } from './model';

/**
 * The Karpenter custom resources, as plain objects (karpenter.sh/v1 NodePool,
 * karpenter.k8s.aws/v1 EC2NodeClass), so tests can validate them against the CRD schemas.
 */

export const DISCOVERY_TAG = 'karpenter.sh/discovery';

/** The NodePool: the configured AZs only, the configured capacity types, limits and budgets. */
export function nodePoolManifest(pool: NodePoolPlan, k: KarpenterCapacityConfig['karpenter']): Record<string, any> {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: pool.name },
    spec: {
      template: {
        metadata: { labels: { [SYSTEM_NODE_LABEL]: 'workload' } },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: KARPENTER_NODEPOOL },
          requirements: [
            // Only the platform's AZs: the subnets there are the ones tagged for discovery, and
            // a zone spread then has exactly these domains.
            { key: 'topology.kubernetes.io/zone', operator: 'In', values: [...pool.zones] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...pool.capacityTypes] },
            { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: [...pool.instanceCategories] },
            { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: [String(pool.minInstanceGeneration - 1)] },
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ],
          expireAfter: k.expireAfter,
        },
      },
      limits: { cpu: k.limits.cpu, memory: k.limits.memory },
      disruption: {
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
        consolidateAfter: k.consolidateAfter,
        // Voluntary disruption (consolidation, drift, expiry) at most this many nodes at once;
        // PodDisruptionBudgets still gate every eviction.
        budgets: [{ nodes: k.disruptionBudget }],
      },
    },
  };
}

export interface Ec2NodeClassOptions {
  readonly clusterName: string;
  /** Name of the node IAM role; Karpenter makes the instance profile from it. */
  readonly roleName: string;
  readonly diskSizeGiB?: number;
}

/** The EC2NodeClass: AL2023, subnets and security groups by discovery tag, IMDSv2, encrypted gp3. */
export function ec2NodeClassManifest(o: Ec2NodeClassOptions): Record<string, any> {
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: KARPENTER_NODEPOOL },
    spec: {
      role: o.roleName,
      // The newest EKS-optimized AL2023 AMI for the cluster's Kubernetes version; a new release
      // drifts nodes, at the pace the NodePool's disruption budget allows.
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: o.clusterName } }],
      securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: o.clusterName } }],
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: `${o.diskSizeGiB ?? 50}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
        },
      ],
      tags: { 'vm-multiaz:cluster': o.clusterName },
    },
  };
}
