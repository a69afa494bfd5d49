import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { NetworkStack } from '../../network/network-stack';
import { acknowledgeManagedPolicies } from '../../policy-checks';
import { NodeGroupPlan } from './model';

export interface PerAzNodeGroupsProps {
  readonly cluster: eks.Cluster;
  readonly network: NetworkStack;
  /** The groups to create, one per AZ (from `capacityOf(config).nodeGroups`). */
  readonly groups: readonly NodeGroupPlan[];
  /** Root volume size of every node, GiB. */
  readonly diskSizeGiB: number;
  /**
   * Tags on every node group. EKS copies none of them to the Auto Scaling group; cluster-autoscaler
   * reads the group's labels, taints and `k8s.io/cluster-autoscaler/node-template/resources/*`
   * tags through `eks:DescribeNodegroup` instead.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * One managed node group per AZ, each in exactly one private subnet and identical but for the
 * AZ: an autoscaler can then add a node in the very AZ a Pending pod needs, which a group
 * spanning AZs cannot promise. AL2023, IMDSv2 only, encrypted gp3 root volumes.
 */
export class PerAzNodeGroups extends Construct {
  /** The node groups, keyed by AZ. */
  readonly byZone: Record<string, eks.Nodegroup> = {};
  readonly nodeRole: iam.Role;

  constructor(scope: Construct, id: string, props: PerAzNodeGroupsProps) {
    super(scope, id);
    const { cluster } = props;
    this.nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKS_CNI_Policy'),
      ],
    });
    acknowledgeManagedPolicies(
      this.nodeRole,
      ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy'],
      'The node role policies EKS documents for managed node groups; AWS updates them with the kubelet and the VPC CNI.',
    );
    // IMDSv2 only, with a hop limit that pods cannot reach through; an encrypted gp3 root volume.
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.diskSizeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });

    for (const g of props.groups) {
      // Created through the cluster (path Cluster/<id>), which keeps the node groups' logical IDs.
      this.byZone[g.zone] = cluster.addNodegroupCapacity(g.role === 'system' ? `system-${g.zone}` : g.zone, {
        nodegroupName: g.name,
        subnets: { subnets: [props.network.privateSubnetIn(g.zone)] },
        amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
        instanceTypes: g.instanceTypes.map((t) => new ec2.InstanceType(t)),
        minSize: g.minSize,
        desiredSize: g.desiredSize,
        maxSize: g.maxSize,
        nodeRole: this.nodeRole,
        launchTemplateSpec: { id: launchTemplate.launchTemplateId!, version: launchTemplate.latestVersionNumber },
        labels: { ...g.labels },
        taints: g.taints.length > 0 ? g.taints.map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECT[t.effect] })) : undefined,
        tags: props.tags,
        // Replace nodes that stop reporting Ready; in a lost AZ this is also what finally
        // removes the dead Node objects.
        enableNodeAutoRepair: true,
        maxUnavailable: 1,
      });
    }
  }
}

const TAINT_EFFECT = {
  NoSchedule: eks.TaintEffect.NO_SCHEDULE,
  NoExecute: eks.TaintEffect.NO_EXECUTE,
  PreferNoSchedule: eks.TaintEffect.PREFER_NO_SCHEDULE,
} as const;
