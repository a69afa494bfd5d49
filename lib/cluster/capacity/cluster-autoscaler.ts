import { Arn, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/schema';
import { acknowledgeRule } from '../../policy-checks';
import { NODE_LOSS_TOLERATIONS, zoneAndHostSpread } from '../../workloads/scheduling';
import { podIdentityRole } from '../pod-identity';
import { CLUSTER_AUTOSCALER_RESOURCES } from './model';

/**
 * The cluster-autoscaler Helm chart (kubernetes/autoscaler, charts/cluster-autoscaler). 9.59.0
 * is the newest chart; its default image is v1.35.0, so the image tag is set per Kubernetes
 * minor below, as the project asks: one cluster-autoscaler minor per Kubernetes minor.
 */
export const CLUSTER_AUTOSCALER_CHART = { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.59.0' };

/** The newest cluster-autoscaler patch release of each Kubernetes minor (tags cluster-autoscaler-1.3x.y). */
export const CLUSTER_AUTOSCALER_IMAGE: Record<PlatformConfig['kubernetesVersion'], string> = {
  '1.34': 'v1.34.5',
  '1.35': 'v1.35.2',
};

const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT = 'cluster-autoscaler';

export interface ClusterAutoscalerProps {
  readonly cluster: eks.Cluster;
  readonly config: PlatformConfig;
  /** What the chart waits for: the node groups it scales and the Pod Identity agent. */
  readonly dependencies: Construct[];
}

/**
 * cluster-autoscaler for the per-AZ node groups: discovers them by the tags EKS puts on their
 * Auto Scaling groups, gets AWS credentials through Pod Identity, and balances the identical
 * per-AZ groups so a scale-up lands in the AZ a Pending pod needs.
 */
export class ClusterAutoscaler extends Construct {
  readonly role: iam.Role;
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const { cluster, config } = props;
    const stack = Stack.of(this);
    const name = config.clusterName;

    // The "full features" policy of cluster-autoscaler's AWS README, with the two mutating
    // actions narrowed to the Auto Scaling groups EKS tags as this cluster's.
    this.role = podIdentityRole(this, 'Role');
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags',
          'ec2:DescribeImages',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: ['*'],
        conditions: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${name}`]: 'owned' } },
      }),
    );
    // Labels and taints of a managed node group at zero nodes come from DescribeNodegroup.
    const nodegroupArn = Arn.format({ service: 'eks', resource: 'nodegroup', resourceName: `${name}/*` }, stack);
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: [nodegroupArn] }));
    acknowledgeRule(this.role, 'AwsSolutions-IAM5[Resource::*]', 'Describe/List calls of Auto Scaling and EC2 take no resource ARN; the two mutating calls are limited by tag to this cluster\'s groups.');
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    acknowledgeRule(this.role, `AwsSolutions-IAM5[Resource::arn:${partition}:eks:${stack.region}:${account}:nodegroup/${name}/*]`, 'Every node group of this cluster, whose names EKS suffixes with a generated ID.');

    const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.clusterName,
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });

    const selector = { 'app.kubernetes.io/instance': 'cluster-autoscaler', 'app.kubernetes.io/name': 'aws-cluster-autoscaler' };
    this.chart = cluster.addHelmChart('ClusterAutoscaler', {
      ...CLUSTER_AUTOSCALER_CHART,
      release: 'cluster-autoscaler',
      namespace: NAMESPACE,
      values: {
        cloudProvider: 'aws',
        awsRegion: stack.region,
        autoDiscovery: { clusterName: name },
        fullnameOverride: 'cluster-autoscaler',
        image: { tag: CLUSTER_AUTOSCALER_IMAGE[config.kubernetesVersion] },
        rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT } },
        // Two replicas with leader election: the standby takes over in seconds when the
        // leader's AZ is the one lost, which is exactly when its scale-up is needed.
        replicaCount: CLUSTER_AUTOSCALER_RESOURCES.replicas,
        resources: {
          requests: { cpu: CLUSTER_AUTOSCALER_RESOURCES.cpu, memory: CLUSTER_AUTOSCALER_RESOURCES.memory },
          limits: { memory: CLUSTER_AUTOSCALER_RESOURCES.memory },
        },
        topologySpreadConstraints: zoneAndHostSpread(selector, 2),
        tolerations: [
          { key: 'CriticalAddonsOnly', operator: 'Exists' },
          ...NODE_LOSS_TOLERATIONS,
        ],
        extraArgs: {
          // The per-AZ groups are identical but for the AZ: scale them as one set, evenly.
          'balance-similar-node-groups': true,
          // Among groups that are not similar (another instance type added later), pick the one
          // that leaves the least CPU and memory idle after the Pending pods are placed; the
          // zone choice itself is the balancer's, not the expander's.
          expander: 'least-waste',
          // kube-system pods (CoreDNS, this autoscaler) are all Deployments with PDBs and
          // replicas elsewhere: they must not pin an emptied node forever.
          'skip-nodes-with-system-pods': false,
          // The platform's emptyDirs hold only scratch data; the data is on EFS.
          'skip-nodes-with-local-storage': false,
          // AL2023 managed nodes join in about two minutes; a group whose launches hang (its AZ
          // impaired) is backed off after 5 minutes instead of the default 15.
          'max-node-provision-time': '5m',
          'scale-down-unneeded-time': '10m',
          logtostderr: true,
          stderrthreshold: 'info',
          v: 2,
        },
      },
    });
    this.chart.node.addDependency(association, ...props.dependencies);
  }
}
