import { Match } from 'aws-cdk-lib/assertions';
import { synthPlatform } from '../support/platform';

describe('storage stack', () => {
  const { storage, templates } = synthPlatform();
  const template = templates.storage;

  test('EFS is encrypted, Elastic, General Purpose, backed up and retained', () => {
    template.hasResource('AWS::EFS::FileSystem', {
      Properties: Match.objectLike({
        Encrypted: true,
        ThroughputMode: 'elastic',
        PerformanceMode: 'generalPurpose',
        BackupPolicy: { Status: 'ENABLED' },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('one mount target per AZ', () => {
    template.resourceCountIs('AWS::EFS::MountTarget', storage.config.availabilityZones.length);
  });

  test('mount targets admit only NFS, only from the cluster security group', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        Match.objectLike({
          IpProtocol: 'tcp',
          FromPort: 2049,
          ToPort: 2049,
          SourceSecurityGroupId: Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('ClusterSecurityGroupId') }),
        }),
      ],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('0.0.0.0/0');
  });

  test('exports the file system ID for the GitOps StorageClass', () => {
    template.hasOutput('FileSystemId', { Value: { Ref: Match.stringLikeRegexp('VmStorage') } });
  });
});
