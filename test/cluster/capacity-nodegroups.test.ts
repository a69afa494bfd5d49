import { Match } from 'aws-cdk-lib/assertions';
import { CLUSTER_AUTOSCALER_CHART, CLUSTER_AUTOSCALER_IMAGE } from '../../lib/cluster/capacity/cluster-autoscaler';
import { synthPlatform } from '../support/platform';
import { capacityResources, helmValues } from './capacity-support';

describe('capacity mode nodegroups (the default)', () => {
  const { cluster, templates } = synthPlatform();
  const template = templates.cluster;
  const azs = cluster.config.availabilityZones;

  test('cluster-autoscaler from its official chart, pinned, in kube-system', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'cluster-autoscaler',
      Repository: 'https://kubernetes.github.io/autoscaler',
      Version: CLUSTER_AUTOSCALER_CHART.version,
      Namespace: 'kube-system',
      Release: 'cluster-autoscaler',
    });
  });

  test('auto-discovery by cluster name, balance-similar-node-groups, a chosen expander, the image of the Kubernetes minor', () => {
    const values = helmValues(template, 'cluster-autoscaler');
    expect(values.cloudProvider).toBe('aws');
    expect(values.awsRegion).toBe('eu-west-1');
    expect(values.autoDiscovery).toEqual({ clusterName: 'vm-multiaz' });
    expect(values.image).toEqual({ tag: CLUSTER_AUTOSCALER_IMAGE['1.35'] });
    expect(values.extraArgs).toMatchObject({
      'balance-similar-node-groups': true,
      expander: 'least-waste',
      'skip-nodes-with-system-pods': false,
    });
    expect(values.rbac.serviceAccount.name).toBe('cluster-autoscaler');
  });

  test('cluster-autoscaler survives its own AZ: two replicas spread by zone and host, evicted from lost nodes in 30 s', () => {
    const values = helmValues(template, 'cluster-autoscaler');
    expect(values.replicaCount).toBe(2);
    expect(values.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.nodeTaintsPolicy])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 'Honor'],
      ['kubernetes.io/hostname', 'DoNotSchedule', 'Honor'],
    ]);
    expect(values.tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unreachable', tolerationSeconds: 30 })]));
  });

  test('its AWS credentials come through Pod Identity, and it may only resize this cluster\'s groups', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'cluster-autoscaler' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
            Condition: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/vm-multiaz': 'owned' } },
          }),
        ]),
      },
    });
  });

  test('one node group per AZ, each in one AZ, sized from the config, installed before the autoscaler', () => {
    const groups = template.findResources('AWS::EKS::Nodegroup');
    expect(Object.keys(groups)).toHaveLength(azs.length);
    for (const g of Object.values(groups)) {
      expect(g.Properties).toMatchObject({ ScalingConfig: { MinSize: 2, DesiredSize: 2, MaxSize: 5 }, Subnets: [expect.anything()] });
      expect(g.Properties.Taints).toBeUndefined();
      expect(g.Properties.Tags).toMatchObject({ 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/vm-multiaz': 'owned' });
    }
    const release = Object.values(template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'cluster-autoscaler' } }))[0];
    expect(release.DependsOn).toEqual(expect.arrayContaining(Object.keys(groups)));
  });

  test('no Karpenter in this mode', () => {
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'karpenter' } })).toEqual({});
  });

  test('the capacity resources match their snapshot', () => {
    expect(capacityResources(template)).toMatchSnapshot();
  });
});
