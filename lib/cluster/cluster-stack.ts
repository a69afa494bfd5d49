import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { CfnCondition, CfnOutput, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { NetworkStack } from '../network/network-stack';
import { PlatformStack, PlatformStackProps } from '../platform-stack';
import { acknowledgeManagedPolicies, acknowledgeRule } from '../policy-checks';
import { NODE_LOSS_TOLERATIONS, zoneAndHostSpread } from '../workloads/scheduling';
import { Capacity } from './capacity';
import { coreDnsReplicas, SYSTEM_NODE_LABEL } from './capacity/model';
import { addonPodIdentity, podIdentityRole } from './pod-identity';

export interface ClusterStackProps extends PlatformStackProps {
  /** The network the cluster runs in. */
  readonly network: NetworkStack;
}

/**
 * The EKS cluster (aws-eks-v2: native `AWS::EKS::Cluster`, access entries, no aws-auth), its
 * managed add-ons and one managed node group per AZ.
 */
export class ClusterStack extends PlatformStack {
  readonly cluster: eks.Cluster;
  /** The cluster's nodes: per-AZ node groups with cluster-autoscaler, or Karpenter (`capacity.mode`). */
  readonly capacity: Capacity;
  /** The per-AZ node groups (workload groups, or Karpenter mode's system groups), keyed by AZ. */
  readonly nodeGroups: Record<string, eks.Nodegroup>;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { config } = this;
    const { vpc } = props.network;

    const secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `Envelope encryption of ${config.clusterName}'s Kubernetes secrets`,
      enableKeyRotation: true,
    });

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: config.clusterName,
      version: eks.KubernetesVersion.of(config.kubernetesVersion),
      vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      // aws-eks-v2 defaults to EKS Auto Mode; capacity here is the per-AZ node groups below.
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      secretsEncryptionKey: secretsKey,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(this, 'KubectlLayer') },
    });
    // Zonal shift (and autoshift) lets ARC move traffic and new pods away from an impaired AZ;
    // the L2 has no prop for it.
    (this.cluster.node.defaultChild as eks.CfnCluster).zonalShiftConfig = { enabled: true };

    if (config.adminRoleArn) {
      this.cluster.grantAccess('Admin', config.adminRoleArn, [
        eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER }),
      ]);
    }

    this.addManagedAddons();
    this.capacity = new Capacity(this, 'Capacity', { cluster: this.cluster, network: props.network, config });
    this.nodeGroups = this.capacity.nodeGroups.byZone;
    this.acknowledgePolicyFindings();

    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
    new CfnOutput(this, 'UpdateKubeconfig', {
      value: `aws eks update-kubeconfig --region ${config.region} --name ${config.clusterName}`,
    });
  }

  /**
   * What cdk-nag reports and is right as it is, each with its reason. Findings on our own
   * resources are named by resource; the kubectl provider's are aws-eks-v2's to own.
   */
  private acknowledgePolicyFindings(): void {
    acknowledgeManagedPolicies(this.cluster.role, ['AmazonEKSClusterPolicy'], 'The cluster role policy EKS documents; AWS keeps it current with new EKS features.');
    acknowledgeManagedPolicies(
      this.node.findChild('EfsCsiDriverRole'),
      ['service-role/AmazonEFSCSIDriverPolicy'],
      'The policy the EFS CSI driver documents; it only manages access points the driver tagged.',
    );
    const kubectlProvider = this.cluster.node.findChild('KubectlProvider');
    const kubectlReason = 'Created by aws-eks-v2 for the kubectl handler, which runs in the VPC and pulls from ECR; it moves with aws-cdk-lib.';
    acknowledgeManagedPolicies(
      kubectlProvider,
      ['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonEC2ContainerRegistryReadOnly'],
      kubectlReason,
    );
    const ecrPublic = (kubectlProvider.node.findChild('Handler').node.findChild('HasEcrPublic') as CfnCondition).logicalId;
    acknowledgeRule(
      kubectlProvider,
      `AwsSolutions-IAM4[Policy::{"Fn::If":["${Stack.of(this).resolve(ecrPublic)}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]`,
      kubectlReason,
    );
    const handler = kubectlProvider.node.findChild('Handler') as lambda.Function;
    acknowledgeRule(
      kubectlProvider,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(handler.node.defaultChild as CfnResource)}.Arn>:*]`,
      'The provider framework may invoke every version of the kubectl handler, as every aws-cdk custom resource provider does.',
    );
    acknowledgeRule(kubectlProvider, 'AwsSolutions-L1', 'aws-eks-v2 chooses the kubectl handler runtime to match the kubectl layer; it moves with aws-cdk-lib.');
    Validations.of(this.cluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason: 'aws-eks-v2 renders EncryptionConfig.Resources ["secrets"], which EKS still requires to encrypt secrets with the KMS key.',
    });
  }

  /**
   * EKS managed add-ons: maintained by AWS, versioned with the cluster, and applied without
   * the kubectl handler. Each takes the default version EKS picks for the cluster's Kubernetes
   * version; pin `addonVersion` here to hold one back.
   */
  private addManagedAddons(): void {
    const { config, cluster } = this;
    const azCount = config.availabilityZones.length;
    new eks.Addon(this, 'VpcCni', { cluster, addonName: 'vpc-cni' });
    new eks.Addon(this, 'KubeProxy', { cluster, addonName: 'kube-proxy' });
    new eks.Addon(this, 'CoreDns', {
      cluster,
      addonName: 'coredns',
      configurationValues: {
        // One per AZ at least, spread by zone and host: name resolution survives any one AZ.
        replicaCount: coreDnsReplicas(azCount),
        topologySpreadConstraints: zoneAndHostSpread({ 'k8s-app': 'kube-dns' }, coreDnsReplicas(azCount)),
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        // In Karpenter mode CoreDNS stays on the fixed system node groups: name resolution must
        // not wait for, or be consolidated away by, the autoscaler it serves.
        // (`affinity`, which the add-on's configuration schema has long accepted; it replaces the
        // add-on's default affinity, whose host anti-affinity the spread above already covers.)
        ...(config.capacity.mode === 'karpenter'
          ? {
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                      {
                        matchExpressions: [
                          { key: SYSTEM_NODE_LABEL, operator: 'In', values: ['system'] },
                          { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                        ],
                      },
                    ],
                  },
                },
              },
            }
          : {}),
        tolerations: [
          { key: 'CriticalAddonsOnly', operator: 'Exists' },
          ...NODE_LOSS_TOLERATIONS,
        ],
      },
    });
    // Created through the cluster so aws-eks-v2 reuses it for any Pod Identity it sets up itself.
    const podIdentityAgent = cluster.eksPodIdentityAgent!;

    const efsCsiRole = podIdentityRole(this, 'EfsCsiDriverRole', [
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEFSCSIDriverPolicy'),
    ]);
    const efsCsi = new eks.Addon(this, 'EfsCsiDriver', { cluster, addonName: 'aws-efs-csi-driver' });
    addonPodIdentity(efsCsi, 'efs-csi-controller-sa', efsCsiRole);
    efsCsi.node.addDependency(podIdentityAgent);
  }
}
