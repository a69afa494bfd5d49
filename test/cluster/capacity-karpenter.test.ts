import { Match } from 'aws-cdk-lib/assertions';
import { KARPENTER_VERSION } from '../../lib/cluster/capacity/karpenter';
import { loadConfig } from '../../lib/config/load';
import { synthPlatform } from '../support/platform';
import { capacityResources, flatten, helmValues } from './capacity-support';

describe('capacity mode karpenter (config/karpenter.yaml)', () => {
  const { cluster, templates } = synthPlatform(loadConfig('karpenter'));
  const template = templates.cluster;
  const azs = cluster.config.availabilityZones;
  const logicalId = (type: string, props: Record<string, unknown>) => Object.keys(template.findResources(type, { Properties: props }))[0];

  test('karpenter-crd and karpenter from the official OCI charts, one pinned version, the controller skipping the CRDs', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'karpenter-crd',
      Repository: 'oci://public.ecr.aws/karpenter/karpenter-crd',
      Version: KARPENTER_VERSION,
      Namespace: 'kube-system',
    });
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'karpenter',
      Repository: 'oci://public.ecr.aws/karpenter/karpenter',
      Version: KARPENTER_VERSION,
      Namespace: 'kube-system',
      SkipCrds: true,
    });
    const controller = template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'karpenter' } });
    expect(Object.values(controller)[0].DependsOn).toContain(logicalId('Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter-crd' }));
  });

  test('settings: cluster name, the interruption queue, zonal shift', () => {
    const values = helmValues(template, 'karpenter');
    const queue = logicalId('AWS::SQS::Queue', {});
    expect(values.settings).toEqual({ clusterName: 'vm-multiaz', interruptionQueue: `<{'Fn::GetAtt':['${queue}','QueueName']}>`, enableZonalShift: true });
    expect(values.serviceAccount.name).toBe('karpenter');
    expect(values.replicas).toBe(2);
  });

  test('an interruption queue fed by EventBridge: spot warning, rebalance, state change, scheduled change', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 300, SqsManagedSseEnabled: true });
    const queue = logicalId('AWS::SQS::Queue', {});
    for (const [source, detailType] of [
      ['aws.ec2', 'EC2 Spot Instance Interruption Warning'],
      ['aws.ec2', 'EC2 Instance Rebalance Recommendation'],
      ['aws.ec2', 'EC2 Instance State-change Notification'],
      ['aws.health', 'AWS Health Event'],
    ]) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: [source], 'detail-type': [detailType] },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } })],
      });
    }
  });

  test('the node role joins through an EC2_LINUX access entry; the controller role through Pod Identity, with the zonal shift permission', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', { Type: 'EC2_LINUX', PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CapacityKarpenterNodeRole'), 'Arn'] } });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'karpenter' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^CapacityKarpenterControllerRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowZonalShiftStatusReadOnly', Action: 'arc-zonal-shift:GetManagedResource' })]) },
    });
  });

  test('the NodePool and EC2NodeClass are applied after the CRDs and the controller', () => {
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter((m) => flatten(m.Properties.Manifest).includes('"kind":"NodePool"'));
    expect(manifests).toHaveLength(1);
    const text = flatten(manifests[0].Properties.Manifest);
    expect(text).toContain('"kind":"EC2NodeClass"');
    expect(text).toContain(`"values":${JSON.stringify(azs)}`);
    expect(manifests[0].DependsOn).toEqual(
      expect.arrayContaining([logicalId('Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter-crd' }), logicalId('Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter' })]),
    );
  });

  test('the cluster security group is tagged for discovery', () => {
    const tagging = Object.values(template.findResources('Custom::AWS'));
    expect(tagging.map((r) => JSON.stringify(r.Properties.Create))).toEqual([expect.stringContaining('karpenter.sh/discovery')]);
  });

  test('a fixed system node group per AZ, tainted CriticalAddonsOnly, holds Karpenter and CoreDNS', () => {
    const groups = Object.values(template.findResources('AWS::EKS::Nodegroup'));
    expect(groups).toHaveLength(azs.length);
    for (const g of groups) {
      expect(g.Properties.Taints).toEqual([{ Key: 'CriticalAddonsOnly', Value: 'true', Effect: 'NO_SCHEDULE' }]);
      expect(g.Properties.ScalingConfig).toEqual({ MinSize: 1, DesiredSize: 1, MaxSize: 1 });
    }
    const coredns = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'coredns' } }))[0];
    const terms = JSON.parse(coredns.Properties.ConfigurationValues).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([{ matchExpressions: expect.arrayContaining([{ key: 'vm-multiaz/node-role', operator: 'In', values: ['system'] }]) }]);
  });

  test('no cluster-autoscaler in this mode', () => {
    expect(template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'cluster-autoscaler' } })).toEqual({});
  });

  test('the capacity resources match their snapshot', () => {
    expect(capacityResources(template)).toMatchSnapshot();
  });
});
