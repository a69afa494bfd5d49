import { Match } from 'aws-cdk-lib/assertions';
import { configWith, synthPlatform } from '../support/platform';

describe('cluster stack', () => {
  const { cluster, network, templates } = synthPlatform();
  const template = templates.cluster;
  const azs = cluster.config.availabilityZones;

  test('a native AWS::EKS::Cluster with API auth, secrets encryption, every log type and zonal shift', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'vm-multiaz',
      Version: '1.35',
      AccessConfig: Match.objectLike({ AuthenticationMode: 'API' }),
      EncryptionConfig: [{ Provider: { KeyArn: Match.anyValue() }, Resources: ['secrets'] }],
      Logging: {
        ClusterLogging: {
          EnabledTypes: Match.arrayWith(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ Type: type }))),
        },
      },
      ZonalShiftConfig: { Enabled: true },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // No EKS Auto Mode: capacity is the node groups.
    const clusterProps = Object.values(template.findResources('AWS::EKS::Cluster'))[0].Properties;
    expect(clusterProps.ComputeConfig?.Enabled ?? false).toBe(false);
  });

  test('the kubectl provider carries the kubectl v35 layer', () => {
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { Description: Match.stringLikeRegexp('kubectl') });
  });

  test('managed add-ons for vpc-cni, kube-proxy, coredns, pod identity and the EFS CSI driver', () => {
    for (const name of ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent', 'aws-efs-csi-driver']) {
      template.hasResourceProperties('AWS::EKS::Addon', { AddonName: name });
    }
  });

  test('CoreDNS runs at least one replica per AZ, spread by zone and host', () => {
    const coredns = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'coredns' } }))[0];
    const values = JSON.parse(coredns.Properties.ConfigurationValues);
    expect(values.replicaCount).toBeGreaterThanOrEqual(azs.length);
    expect(values.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.nodeTaintsPolicy])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 'Honor'],
      ['kubernetes.io/hostname', 'DoNotSchedule', 'Honor'],
    ]);
  });

  test('the EFS CSI controller gets AmazonEFSCSIDriverPolicy through Pod Identity', () => {
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-efs-csi-driver',
      PodIdentityAssociations: [{ ServiceAccount: 'efs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EfsCsiDriverRole'), 'Arn'] } }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'pods.eks.amazonaws.com' } }),
          Match.objectLike({ Action: 'sts:TagSession', Principal: { Service: 'pods.eks.amazonaws.com' } }),
        ]),
      },
      ManagedPolicyArns: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonEFSCSIDriverPolicy')])] }],
    });
  });

  test('one AL2023 managed node group per AZ, each in exactly the private subnet of its AZ, identical but for the AZ', () => {
    const groups = Object.values(template.findResources('AWS::EKS::Nodegroup'));
    expect(groups).toHaveLength(azs.length);
    const networkTemplate = templates.network.toJSON();
    const subnetAzByExport = (value: any): string => {
      // Cross-stack references resolve to Fn::ImportValue of the network stack's outputs.
      const exportName: string = value['Fn::ImportValue'];
      const output = Object.values<any>(networkTemplate.Outputs).find((o) => o.Export.Name === exportName);
      return networkTemplate.Resources[output.Value.Ref].Properties.AvailabilityZone;
    };
    const seen = groups.map((g) => {
      const p = g.Properties;
      expect(p.Subnets).toHaveLength(1);
      expect(p.AmiType).toBe('AL2023_x86_64_STANDARD');
      const az = subnetAzByExport(p.Subnets[0]);
      expect(p.Labels['topology.kubernetes.io/zone']).toBe(az);
      expect(p.NodegroupName).toBe(`vm-multiaz-${az}`);
      expect(p.ScalingConfig).toEqual({ MinSize: 2, DesiredSize: 2, MaxSize: 5 });
      expect(p.InstanceTypes).toEqual(['m7i.xlarge']);
      return az;
    });
    expect(seen.sort()).toEqual([...azs].sort());
    const normalise = (p: any) => JSON.stringify({ ...p, Subnets: undefined, Labels: undefined, NodegroupName: undefined });
    expect(new Set(groups.map((g) => normalise(g.Properties))).size).toBe(1);
    expect(network.vpc.privateSubnets.map((s) => s.availabilityZone)).toEqual(azs);
  });

  test('nodes require IMDSv2 and boot from an encrypted gp3 volume', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 }),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3', VolumeSize: 50 }) }],
      }),
    });
  });

  test('cluster admin is granted through an access entry, never aws-auth', () => {
    const arn = 'arn:aws:iam::123456789012:role/platform-admin';
    const t = synthPlatform(configWith({ adminRoleArn: arn })).templates.cluster;
    t.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: arn,
      AccessPolicies: [
        {
          AccessScope: { Type: 'cluster' },
          PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] },
        },
      ],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('aws-auth');
  });
});
