import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthPlatform } from './support/platform';

const root = path.join(__dirname, '..');
const denyNetwork = path.join(__dirname, 'support', 'deny-network.js');

/** The environment of a machine with no AWS credentials, no AWS config and no way out. */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
  return { ...env, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', NODE_OPTIONS: `--require ${denyNetwork}`, CI: 'true' };
}

describe('the CDK app', () => {
  test('synthesizes every stack with no AWS credentials and no network, policy checks included', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-multiaz-home-'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-multiaz-synth-'));
    const dist = path.join(root, 'dist', 'vm-multiaz');
    fs.rmSync(dist, { recursive: true, force: true });
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--quiet', '--output', out], {
      cwd: root,
      env: offlineEnv(home),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).not.toContain('[deny-network]');
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    for (const stack of ['network', 'cluster', 'storage', 'workloads']) {
      expect(fs.existsSync(path.join(out, `vm-multiaz-${stack}.template.json`))).toBe(true);
    }
    // The plain YAML for GitOps users is written by the same synth.
    expect(fs.readFileSync(path.join(dist, 'victoriametrics.yaml'), 'utf8')).toContain('kind: Deployment');
    expect(fs.readFileSync(path.join(dist, 'storage.yaml'), 'utf8')).toContain('fileSystemId: ${EFS_FILE_SYSTEM_ID}');
  });

  test('the offline guard really blocks the network (or the test above proves nothing)', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-multiaz-home-'));
    const result = spawnSync(process.execPath, ['-e', "require('https').get('https://example.com').on('error', (e) => { console.error(e.code); process.exit(3); })"], {
      env: offlineEnv(home),
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('[deny-network]');
  });

  test('a bad configuration fails synth before any output, naming the field', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-multiaz-home-'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-multiaz-bad-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(root, 'config', 'default.yaml'), 'utf8').replace('shards: 3', 'shards: 1'));
    const out = path.join(dir, 'cdk.out');
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--quiet', '-c', `config=${file}`, '--output', out], {
      cwd: root,
      env: offlineEnv(home),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('victoriametrics.vmstorage.shards: 1 shard(s) cannot be spread one per AZ over 3 AZs; set it to at least 3');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(false);
  });

  test('the templates match their snapshots (stable run to run)', () => {
    const { templates } = synthPlatform();
    for (const [name, template] of Object.entries(templates)) {
      expect(template.toJSON()).toMatchSnapshot(name);
    }
  });
});
