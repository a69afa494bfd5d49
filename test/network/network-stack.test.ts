import { Match } from 'aws-cdk-lib/assertions';
import { configWith, synthPlatform } from '../support/platform';

describe('network stack', () => {
  const { network, templates } = synthPlatform();
  const template = templates.network;
  const azs = network.config.availabilityZones;

  test('one public and one private subnet in every configured AZ', () => {
    for (const az of azs) {
      for (const isPublic of [true, false]) {
        template.hasResourceProperties('AWS::EC2::Subnet', {
          AvailabilityZone: az,
          MapPublicIpOnLaunch: isPublic,
        });
      }
    }
    template.resourceCountIs('AWS::EC2::Subnet', azs.length * 2);
  });

  test('a NAT gateway in every AZ, each private subnet routing through its own AZ', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', azs.length);
    const subnets = template.findResources('AWS::EC2::Subnet');
    const nats = template.findResources('AWS::EC2::NatGateway');
    const natAz = Object.fromEntries(Object.entries(nats).map(([id, nat]) => [id, subnets[nat.Properties.SubnetId.Ref].Properties.AvailabilityZone]));
    const routeTables = template.findResources('AWS::EC2::SubnetRouteTableAssociation');
    const routes = template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } });
    expect(Object.keys(routes)).toHaveLength(azs.length);
    for (const route of Object.values(routes)) {
      const association = Object.values(routeTables).find((a) => a.Properties.RouteTableId.Ref === route.Properties.RouteTableId.Ref)!;
      const subnetAz = subnets[association.Properties.SubnetId.Ref].Properties.AvailabilityZone;
      expect(natAz[route.Properties.NatGatewayId.Ref]).toBe(subnetAz);
    }
  });

  test('a single NAT gateway when asked for the cheaper option', () => {
    synthPlatform(configWith({ natGateways: 'single' })).templates.network.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('subnets are tagged for load balancers and Karpenter discovery', () => {
    const tagged = (key: string, value: string) => Object.values(template.findResources('AWS::EC2::Subnet')).filter((s) =>
      (s.Properties.Tags as { Key: string; Value: string }[]).some((t) => t.Key === key && t.Value === value));
    expect(tagged('kubernetes.io/role/elb', '1').every((s) => s.Properties.MapPublicIpOnLaunch)).toBe(true);
    expect(tagged('kubernetes.io/role/elb', '1')).toHaveLength(azs.length);
    expect(tagged('kubernetes.io/role/internal-elb', '1').every((s) => !s.Properties.MapPublicIpOnLaunch)).toBe(true);
    expect(tagged('kubernetes.io/role/internal-elb', '1')).toHaveLength(azs.length);
    expect(tagged('karpenter.sh/discovery', 'vm-multiaz')).toHaveLength(azs.length);
  });

  test('an S3 gateway endpoint and VPC flow logs', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('s3')])] }),
    });
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });
});
