import { Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformStack, PlatformStackProps } from '../platform-stack';

/**
 * The VPC: one public and one private subnet in every configured AZ, a NAT gateway per AZ by
 * default (so an AZ's egress never runs through another AZ that may be the one lost), subnet
 * tags for load balancers and Karpenter discovery, an S3 gateway endpoint and flow logs.
 */
export class NetworkStack extends PlatformStack {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = this;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways === 'perAz' ? config.availabilityZones.length : 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        // Pods take VPC addresses (vpc-cni): give the private subnets room for them.
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });

    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'The AZs are named in the configuration on purpose: the node groups, the spread and the drill must all agree on them, and synth must run offline.',
    });

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });

    for (const subnet of this.vpc.publicSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    }
    for (const subnet of this.vpc.privateSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
      Tags.of(subnet).add('karpenter.sh/discovery', config.clusterName);
    }
  }

  /** The private subnet of `az`: each per-AZ node group lives in exactly one. */
  privateSubnetIn(az: string): ec2.ISubnet {
    const subnet = this.vpc.privateSubnets.find((s) => s.availabilityZone === az);
    if (!subnet) {
      throw new Error(`availabilityZones: no private subnet in ${az}`);
    }
    return subnet;
  }
}
