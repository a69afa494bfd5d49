import { Arn, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { KarpenterCapacityConfig, PlatformConfig } from '../../config/schema';
import { acknowledgeManagedPolicies, acknowledgeRule } from '../../policy-checks';
import { zoneAndHostSpread } from '../../workloads/scheduling';
import { podIdentityRole } from '../pod-identity';
import { DISCOVERY_TAG, ec2NodeClassManifest, nodePoolManifest } from './karpenter-manifests';
import { NodePoolPlan } from './model';

/**
 * Karpenter 1.14.1, the newest v1 release: its compatibility matrix supports Kubernetes 1.33
 * (>= 1.5), 1.34 (>= 1.6) and 1.35 (>= 1.9), every version this platform allows, and its
 * `settings.enableZonalShift` reads the cluster's ARC zonal shift. The CRDs come from the
 * separate karpenter-crd chart (same version), so `helm upgrade` updates them too; the
 * controller chart skips its own copy.
 */
export const KARPENTER_VERSION = '1.14.1';
export const KARPENTER_REPOSITORY = 'oci://public.ecr.aws/karpenter';
const NAMESPACE = 'kube-system';
const SERVICE_ACCOUNT = 'karpenter';

export interface KarpenterProps {
  readonly cluster: eks.Cluster;
  readonly config: PlatformConfig;
  /** The NodePool to create (from `capacityOf(config)`). */
  readonly nodePool: NodePoolPlan;
  /** What the controller waits for: the system node groups it runs on and the Pod Identity agent. */
  readonly dependencies: Construct[];
}

/**
 * Karpenter: controller IAM through Pod Identity (the reference policies of Karpenter's
 * getting-started CloudFormation, v1.14), a node role with an EC2_LINUX access entry, an
 * interruption queue fed by EventBridge, the two Helm charts, and one NodePool + EC2NodeClass.
 */
export class Karpenter extends Construct {
  readonly nodeRole: iam.Role;
  readonly controllerRole: iam.Role;
  readonly queue: sqs.Queue;
  readonly crds: eks.HelmChart;
  readonly controller: eks.HelmChart;
  readonly nodeClasses: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const { cluster, config } = props;
    const capacity = config.capacity as KarpenterCapacityConfig;
    const name = config.clusterName;
    const stack = Stack.of(this);

    // Nodes: the policies of the reference KarpenterNodeRole; an EC2_LINUX access entry lets
    // the kubelet join (API authentication mode, no aws-auth ConfigMap).
    this.nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: ['AmazonEKS_CNI_Policy', 'AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'].map((p) =>
        iam.ManagedPolicy.fromAwsManagedPolicyName(p),
      ),
    });
    acknowledgeManagedPolicies(
      this.nodeRole,
      ['AmazonEKS_CNI_Policy', 'AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'],
      'The node role policies of Karpenter\'s reference CloudFormation (KarpenterNodeRole); AWS keeps them current with the kubelet, the VPC CNI and SSM.',
    );
    new eks.AccessEntry(this, 'NodeAccess', {
      cluster,
      principal: this.nodeRole.roleArn,
      accessEntryType: eks.AccessEntryType.EC2_LINUX,
      accessPolicies: [],
    });

    // Interruptions: spot warnings, rebalance recommendations, scheduled maintenance and state
    // changes reach Karpenter in time to drain a node before EC2 takes it.
    this.queue = new sqs.Queue(this, 'InterruptionQueue', {
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeRule(this.queue, 'AwsSolutions-SQS3', 'Interruption events are worth nothing after their 5-minute retention; a dead-letter queue would hold only stale notices.');
    const rules: [string, events.EventPattern][] = [
      ['ScheduledChange', { source: ['aws.health'], detailType: ['AWS Health Event'] }],
      ['SpotInterruption', { source: ['aws.ec2'], detailType: ['EC2 Spot Instance Interruption Warning'] }],
      ['Rebalance', { source: ['aws.ec2'], detailType: ['EC2 Instance Rebalance Recommendation'] }],
      ['InstanceStateChange', { source: ['aws.ec2'], detailType: ['EC2 Instance State-change Notification'] }],
      ['CapacityReservationInterruption', { source: ['aws.ec2'], detailType: ['EC2 Capacity Reservation Instance Interruption Warning'] }],
    ];
    for (const [ruleId, eventPattern] of rules) {
      new events.Rule(this, `${ruleId}Rule`, { eventPattern, targets: [new targets.SqsQueue(this.queue)] });
    }

    this.controllerRole = podIdentityRole(this, 'ControllerRole');
    for (const statement of controllerStatements(stack, name, this.nodeRole, this.queue)) {
      this.controllerRole.addToPolicy(statement);
    }
    acknowledgeControllerWildcards(this.controllerRole, stack);
    const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.clusterName,
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      roleArn: this.controllerRole.roleArn,
    });

    // Karpenter discovers security groups by tag; the cluster security group (every node's,
    // made by EKS, not by this stack) gets the discovery tag through the EC2 API.
    const clusterSg = Arn.format({ service: 'ec2', resource: 'security-group', resourceName: cluster.clusterSecurityGroupId }, stack);
    const tagCall = (action: 'createTags' | 'deleteTags'): cr.AwsSdkCall => ({
      service: 'EC2',
      action,
      parameters: { Resources: [cluster.clusterSecurityGroupId], Tags: [{ Key: DISCOVERY_TAG, Value: name }] },
      physicalResourceId: cr.PhysicalResourceId.of(`${cluster.clusterSecurityGroupId}-${DISCOVERY_TAG}`),
    });
    new cr.AwsCustomResource(this, 'TagClusterSecurityGroup', {
      onCreate: tagCall('createTags'),
      onUpdate: tagCall('createTags'),
      onDelete: tagCall('deleteTags'),
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [clusterSg] }),
      installLatestAwsSdk: false,
    });
    acknowledgeCustomResourceProvider(stack);

    this.crds = cluster.addHelmChart('KarpenterCrds', {
      repository: `${KARPENTER_REPOSITORY}/karpenter-crd`,
      chart: 'karpenter-crd',
      version: KARPENTER_VERSION,
      release: 'karpenter-crd',
      namespace: NAMESPACE,
    });

    const selector = { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' };
    this.controller = cluster.addHelmChart('Karpenter', {
      repository: `${KARPENTER_REPOSITORY}/karpenter`,
      chart: 'karpenter',
      version: KARPENTER_VERSION,
      release: 'karpenter',
      namespace: NAMESPACE,
      skipCrds: true,
      values: {
        settings: {
          clusterName: name,
          interruptionQueue: this.queue.queueName,
          // During an ARC zonal shift of the cluster, launch no nodes in the shifted-away AZ.
          enableZonalShift: true,
        },
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        replicas: 2,
        controller: {
          resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        },
        // The chart's defaults keep the controller off Karpenter's own nodes and tolerate
        // CriticalAddonsOnly, so it runs on the system node groups; spread it like every
        // platform pod so the AZ that is lost takes at most one replica.
        topologySpreadConstraints: zoneAndHostSpread(selector, 2),
      },
    });
    this.controller.node.addDependency(this.crds, association, ...props.dependencies);

    this.nodeClasses = cluster.addManifest(
      'KarpenterNodePool',
      ec2NodeClassManifest({ clusterName: name, roleName: this.nodeRole.roleName }),
      nodePoolManifest(props.nodePool, capacity.karpenter),
    );
    // After the CRDs; after the controller too, so deleting the stack removes the NodePool
    // (and Karpenter's nodes) while Karpenter still runs to terminate them.
    this.nodeClasses.node.addDependency(this.crds, this.controller);
  }
}

/** The Karpenter controller policy of the v1.14 reference CloudFormation, statement by statement. */
function controllerStatements(stack: Stack, name: string, nodeRole: iam.IRole, queue: sqs.IQueue): iam.PolicyStatement[] {
  const p = Aws.PARTITION;
  const r = stack.region;
  const ec2 = (resource: string) => `arn:${p}:ec2:${r}:*:${resource}`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${name}`]: 'owned' };
  const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${name}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': name };
  const tagged = [ec2('fleet/*'), ec2('instance/*'), ec2('volume/*'), ec2('network-interface/*'), ec2('launch-template/*'), ec2('spot-instances-request/*')];
  const instanceProfile = `arn:${p}:iam::${Aws.ACCOUNT_ID}:instance-profile/*`;
  const clusterArn = `arn:${p}:eks:${r}:${Aws.ACCOUNT_ID}:cluster/${name}`;
  return [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [
        `arn:${p}:ec2:${r}::image/*`,
        `arn:${p}:ec2:${r}::snapshot/*`,
        ec2('security-group/*'),
        ec2('subnet/*'),
        ec2('capacity-reservation/*'),
        ec2('placement-group/*'),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('launch-template/*')],
      conditions: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: tagged,
      conditions: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: tagged,
      conditions: {
        StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance/*')],
      conditions: {
        StringEquals: owned,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': name },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2('instance/*'), ec2('launch-template/*')],
      conditions: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [nodeRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileCreationActions',
      actions: ['iam:CreateInstanceProfile'],
      resources: [instanceProfile],
      conditions: {
        StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': r },
        StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileTagActions',
      actions: ['iam:TagInstanceProfile'],
      resources: [instanceProfile],
      conditions: {
        StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': r, ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': r },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileActions',
      actions: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      resources: [instanceProfile],
      conditions: {
        StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': r },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({ sid: 'AllowAPIServerEndpointDiscovery', actions: ['eks:DescribeCluster'], resources: [clusterArn] }),
    new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [queue.queueArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowZonalShiftStatusReadOnly',
      actions: ['arc-zonal-shift:GetManagedResource'],
      resources: ['*'],
      conditions: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': clusterArn } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowRegionalReadActions',
      actions: [
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': r } },
    }),
    new iam.PolicyStatement({ sid: 'AllowSSMReadActions', actions: ['ssm:GetParameter'], resources: [`arn:${p}:ssm:${r}::parameter/aws/service/*`] }),
    new iam.PolicyStatement({ sid: 'AllowPricingReadActions', actions: ['pricing:GetProducts'], resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'AllowUnscopedInstanceProfileListAction', actions: ['iam:ListInstanceProfiles'], resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'AllowInstanceProfileReadActions', actions: ['iam:GetInstanceProfile'], resources: [instanceProfile] }),
  ];
}

/**
 * The wildcards of the reference policy, each reviewed: EC2 and IAM name these resources by
 * generated IDs, so the policy scopes them by region and by the cluster-ownership and
 * `karpenter.sh/nodepool` tag conditions (see `controllerStatements`).
 */
function acknowledgeControllerWildcards(role: iam.Role, stack: Stack): void {
  const ec2 = (resource: string) => `arn:<AWS::Partition>:ec2:${stack.region}:${resource}`;
  const wildcard = (resource: string, reason: string) => acknowledgeRule(role, `AwsSolutions-IAM5[Resource::${resource}]`, reason);
  const launchInputs = 'RunInstances/CreateFleet need the AMIs, snapshots, subnets, security groups, capacity reservations and placement groups the EC2NodeClass selects; Karpenter discovers them at run time, in this region only.';
  for (const r of [':image/*', ':snapshot/*', '*:security-group/*', '*:subnet/*', '*:capacity-reservation/*', '*:placement-group/*']) {
    wildcard(ec2(r), launchInputs);
  }
  const launched = 'Instances, fleets, volumes, ENIs, launch templates and spot requests Karpenter creates: allowed only with the kubernetes.io/cluster/<cluster>=owned and karpenter.sh/nodepool request or resource tags.';
  for (const r of ['*:launch-template/*', '*:fleet/*', '*:instance/*', '*:network-interface/*', '*:spot-instances-request/*', '*:volume/*']) {
    wildcard(ec2(r), launched);
  }
  wildcard(
    'arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/*',
    'Karpenter creates one instance profile per EC2NodeClass with a generated name; every action but Get/List requires the cluster-ownership, region and ec2nodeclass tags.',
  );
  wildcard(`arn:<AWS::Partition>:ssm:${stack.region}::parameter/aws/service/*`, 'The public SSM parameters that name the EKS-optimized AMIs (alias al2023@...).');
  wildcard('*', 'Describe* limited to this region by aws:RequestedRegion, pricing:GetProducts and iam:ListInstanceProfiles take no resource ARN; arc-zonal-shift:GetManagedResource is limited to this cluster by condition.');
}

/** The Lambda behind `AwsCustomResource` (one per stack), which tags the cluster security group. */
function acknowledgeCustomResourceProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  if (provider) {
    acknowledgeManagedPolicies(provider, ['service-role/AWSLambdaBasicExecutionRole'], 'The CloudWatch Logs permissions of aws-cdk-lib\'s AwsCustomResource handler; it calls only ec2:CreateTags/DeleteTags on the cluster security group.');
  }
}
