import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import { Construct } from 'constructs';
import { ClusterStack } from '../cluster/cluster-stack';
import { NetworkStack } from '../network/network-stack';
import { PlatformStack, PlatformStackProps } from '../platform-stack';

export interface StorageStackProps extends PlatformStackProps {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
}

/**
 * The EFS file system behind vmstorage: regional, so a shard's data is readable from every
 * AZ and a shard whose AZ is lost comes back in another with all its data. A stack of its own,
 * retained on delete, so tearing down or replacing the cluster never touches the data.
 */
export class StorageStack extends PlatformStack {
  readonly fileSystem: efs.FileSystem;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { vpc } = props.network;

    const securityGroup = new ec2.SecurityGroup(this, 'MountTargets', {
      vpc,
      description: 'EFS mount targets of the vmstorage file system: NFS from the cluster only',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(
      ec2.Peer.securityGroupId(props.cluster.cluster.clusterSecurityGroupId),
      ec2.Port.tcp(2049),
      'NFS from the EKS cluster security group (every managed node)',
    );

    this.fileSystem = new efs.FileSystem(this, 'VmStorage', {
      vpc,
      // One mount target per AZ: a node mounts through its own AZ's target, never another AZ's.
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true },
      securityGroup,
      encrypted: true,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      // Elastic: no burst credits to run out of under vmstorage's merges.
      throughputMode: efs.ThroughputMode.ELASTIC,
      enableAutomaticBackups: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    new CfnOutput(this, 'FileSystemId', {
      value: this.fileSystem.fileSystemId,
      description: 'EFS_FILE_SYSTEM_ID for the StorageClass in dist/ (envsubst or Flux post-build substitution)',
    });
  }
}
