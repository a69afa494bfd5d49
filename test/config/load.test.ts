import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../../lib/config/load';

const defaultText = fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'default.yaml'), 'utf8');
const defaults = loadConfig('default');

/** The default file with one change, as YAML text. */
function variant(change: (c: any) => void): string {
  const c = structuredClone(defaults) as any;
  change(c);
  return stringify(c);
}

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration', () => {
  test('the embedded default is 3 AZs of one region, EFS-backed, with a node group per AZ', () => {
    expect(defaults.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(defaults.capacity.mode).toBe('nodegroups');
    expect(defaults.kubernetesVersion).toBe('1.35');
    expect(defaults.natGateways).toBe('perAz');
    expect(defaults.victoriametrics.version).toBe('v1.150.0-cluster');
    expect(parseConfig(defaultText)).toEqual(defaults);
  });

  test('a name resolves to config/<name>.yaml, a path to itself', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vm-multiaz-')), 'mine.yaml');
    fs.writeFileSync(file, variant((c) => (c.clusterName = 'mine')));
    expect(loadConfig(file).clusterName).toBe('mine');
    expect(() => loadConfig('no-such-config')).toThrow(/config: no such file; pass -c config=<name> with one of .*default/);
  });

  test('YAML numbers are accepted where the field is a string', () => {
    const c = parseConfig(variant((c) => {
      c.kubernetesVersion = 1.34;
      c.victoriametrics.vminsert.resources.cpu = 2;
    }));
    expect(c.kubernetesVersion).toBe('1.34');
    expect(c.victoriametrics.vminsert.resources.cpu).toBe('2');
  });

  // Every rejected input names the field and says what to do.
  test.each<[string, (c: any) => void, RegExp]>([
    ['fewer than 2 AZs', (c) => (c.availabilityZones = ['eu-west-1a']), /^availabilityZones: must list at least 2 availability zones/],
    ['a duplicate AZ', (c) => (c.availabilityZones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1a']), /^availabilityZones\.2: "eu-west-1a" is listed twice/],
    ['an AZ of another region', (c) => (c.availabilityZones = ['eu-west-1a', 'us-east-1b', 'eu-west-1c']), /^availabilityZones\.1: "us-east-1b" is not an availability zone of region eu-west-1/],
    ['a local zone', (c) => (c.availabilityZones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1-lax-1a']), /^availabilityZones\.2: .* is not an availability zone/],
    ['a malformed region', (c) => (c.region = 'Europe'), /^region: must be an AWS region name/],
    ['an unknown field', (c) => (c.clusterNmae = 'x'), /^clusterNmae: unknown field; remove it or check its spelling/],
    ['an unknown nested field', (c) => (c.victoriametrics.vmstorage.replicas = 3), /^victoriametrics\.vmstorage\.replicas: unknown field/],
    ['a wrong type', (c) => (c.victoriametrics.vminsert.replicas = 'three'), /^victoriametrics\.vminsert\.replicas: must be a number, got string/],
    ['a missing required field', (c) => delete c.region, /^region: is required/],
    ['a Kubernetes version EKS does not offer here', (c) => (c.kubernetesVersion = '1.20'), /^kubernetesVersion: /],
    ['a Kubernetes version the v35 kubectl layer cannot manage', (c) => (c.kubernetesVersion = '1.33'), /^kubernetesVersion: must be "1\.34" or "1\.35"/],
    ['an account that is not 12 digits', (c) => (c.account = '1234'), /^account: must be a 12-digit AWS account ID/],
    ['an admin that is not a role ARN', (c) => (c.adminRoleArn = 'admin'), /^adminRoleArn: must be an IAM role ARN/],
    ['an unpinned image', (c) => (c.victoriametrics.version = 'latest'), /^victoriametrics\.version: must be a pinned VictoriaMetrics cluster tag/],
    ['a single-node image', (c) => (c.victoriametrics.version = 'v1.150.0'), /^victoriametrics\.version: must be a pinned/],
    ['vminsert replicas that cannot be spread over the AZs', (c) => (c.victoriametrics.vminsert.replicas = 2), /^victoriametrics\.vminsert\.replicas: 2 cannot be spread one per AZ over 3 AZs; set it to at least 3/],
    ['vmselect replicas that cannot be spread over the AZs', (c) => (c.victoriametrics.vmselect.replicas = 1), /^victoriametrics\.vmselect\.replicas: 1 cannot be spread/],
    ['fewer shards than AZs', (c) => (c.victoriametrics.vmstorage.shards = 2), /^victoriametrics\.vmstorage\.shards: 2 shard\(s\) cannot be spread one per AZ over 3 AZs/],
    ['a shard count whose copies would share an AZ', (c) => (c.victoriametrics.vmstorage.shards = 4), /^victoriametrics\.vmstorage\.shards: 4 shards over 3 AZs would put both copies of some series in one AZ; use a multiple of 3/],
    ['a dedup interval that keeps both HA scrapes', (c) => (c.victoriametrics.dedupInterval = '1ms'), /^victoriametrics\.dedupInterval: 1ms is below monitoring\.scrapeInterval \(30s\): .*set it to at least 30s or leave it out/],
    ['a single copy of every sample', (c) => (c.victoriametrics.replicationFactor = 1), /^victoriametrics\.replicationFactor: must be at least 2: with one copy, a lost AZ's shard is unreadable/],
    ['node groups that may shrink to nothing', (c) => { c.capacity.nodeGroups.minSizePerAz = 0; c.capacity.nodeGroups.desiredSizePerAz = 0; }, /^capacity\.nodeGroups\.minSizePerAz: must be at least 1: with no node nothing runs cluster-autoscaler/],
    ['a Graviton instance type on the x86 AMI', (c) => (c.capacity.nodeGroups.instanceTypes = ['m7g.xlarge']), /^capacity\.nodeGroups\.instanceTypes\.0: is a Graviton \(arm64\) type/],
    ['a cluster name too long for its node group names', (c) => (c.clusterName = 'a'.repeat(60)), /^clusterName: makes node group name "a{60}-eu-west-1a" 71 characters long, and EKS allows 63; shorten it to at most 52 characters/],
    ['an autoscaling ceiling below the floor', (c) => (c.monitoring = { autoscaling: { vminsert: { maxReplicas: 2 } } }), /^monitoring\.autoscaling\.vminsert\.maxReplicas: 2 is below victoriametrics\.vminsert\.replicas \(3\)/],
    ['a zero scrape interval', (c) => (c.monitoring = { scrapeInterval: '0s' }), /^monitoring\.scrapeInterval: must be whole seconds, at least 1/],
    ['a retention shorter than a day', (c) => (c.victoriametrics.retentionPeriod = '12h'), /^victoriametrics\.retentionPeriod: must be at least 24h/],
    ['a zero retention', (c) => (c.victoriametrics.retentionPeriod = '0'), /^victoriametrics\.retentionPeriod: must be a VictoriaMetrics retention/],
    ['no CPU request', (c) => (c.victoriametrics.vminsert.resources.cpu = '0'), /^victoriametrics\.vminsert\.resources\.cpu: must be more than 0/],
    ['a memory limit too small to run', (c) => (c.victoriametrics.vminsert.resources.memory = '1Mi'), /^victoriametrics\.vminsert\.resources\.memory: must be at least 128Mi/],
    ['more copies than shards', (c) => (c.victoriametrics.replicationFactor = 4), /^victoriametrics\.replicationFactor: 4 copies need at least as many shards, got 3/],
    ['a storage size in bytes', (c) => (c.victoriametrics.vmstorage.storageSize = '100G'), /^victoriametrics\.vmstorage\.storageSize: must be whole GiB or TiB/],
    ['a memory size in decimal units', (c) => (c.victoriametrics.vmselect.resources.memory = '2G'), /^victoriametrics\.vmselect\.resources\.memory: must be whole MiB or GiB/],
    ['a malformed CPU', (c) => (c.victoriametrics.vmselect.resources.cpu = 'two'), /^victoriametrics\.vmselect\.resources\.cpu: must be CPU cores/],
    ['node group sizes out of order', (c) => (c.capacity.nodeGroups.desiredSizePerAz = 9), /^capacity\.nodeGroups: needs minSizePerAz <= desiredSizePerAz <= maxSizePerAz, got 2 \/ 9 \/ 5/],
    ['an instance type that is not one', (c) => (c.capacity.nodeGroups.instanceTypes = ['big']), /^capacity\.nodeGroups\.instanceTypes\.0: must be an EC2 instance type/],
    ['an unknown NAT option', (c) => (c.natGateways = 'none'), /^natGateways: /],
  ])('rejects %s', (_name, change, expected) => {
    const problems = problemsOf(variant(change));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  test('reports every problem at once, with the file name', () => {
    expect(() => parseConfig(variant((c) => {
      c.victoriametrics.vminsert.replicas = 1;
      c.victoriametrics.vmselect.replicas = 1;
    }), 'config/mine.yaml')).toThrow(/^Invalid configuration config\/mine\.yaml:\n  - victoriametrics\.vminsert\.replicas: .*\n  - victoriametrics\.vmselect\.replicas: /);
  });

  test('rejects YAML that does not parse, and duplicate keys', () => {
    expect(problemsOf('region: [eu-west-1')[0]).toMatch(/^\(yaml\): /);
    expect(problemsOf(`${defaultText}\nregion: us-east-1\n`)[0]).toMatch(/^\(yaml\): Map keys must be unique/);
  });
});
