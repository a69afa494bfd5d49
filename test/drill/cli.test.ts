/** The command line: exit codes, JSON-only explain, input errors naming file and field. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explain } from '../../lib/drill';
import { readManifests, readNodes } from '../../lib/drill/input';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[]) {
  return spawnSync(tsx, ['scripts/drill.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('drill CLI', () => {
  it('--manifests/--nodes writes the report files and exits 1 when the guarantee breaks', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-'));
    const r = run(['--manifests', path.join(FIXTURES, 'vm-ebs'), '--nodes', path.join(FIXTURES, 'nodes-3az.yaml'), '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('# AZ-outage drill: FAIL');
    expect(fs.readdirSync(out).sort()).toEqual(['az-loss-eu-west-1a.svg', 'az-loss-eu-west-1b.svg', 'az-loss-eu-west-1c.svg', 'node-loss.svg', 'report.json', 'report.md']);
    expect(fs.readFileSync(path.join(out, 'az-loss-eu-west-1a.svg'), 'utf8')).toMatch(/^<svg /);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')).ok).toBe(false);
  });

  it('explain prints only JSON: feasible nodes and the reasons for the others', () => {
    const r = run(['explain', '--state', path.join(FIXTURES, 'explain-state.json')]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      feasible: [],
      reasons: {
        a1: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
        b1: "node(s) didn't match pod topology spread constraints",
        b2: "node(s) didn't match pod topology spread constraints",
      },
    });
  });

  it('bad input exits 2 with the file and field on stderr, nothing on stdout', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-'));
    const nodes = path.join(dir, 'nodes.yaml');
    fs.writeFileSync(nodes, 'apiVersion: v1\nkind: Node\nmetadata: { name: n1 }\nstatus: { allocatable: { cpu: "2" } }\n');
    const r = run(['--manifests', path.join(FIXTURES, 'vm-ebs'), '--nodes', nodes]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nodes.yaml: Node n1: status.allocatable.cpu and status.allocatable.memory are required');
  });
});

describe('input errors', () => {
  const tmp = (name: string, text: string) => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-')), name);
    fs.writeFileSync(f, text);
    return f;
  };
  it('names the file, document and field', () => {
    expect(() => readManifests(tmp('m.yaml', 'kind: Deployment\nmetadata: { name: x }\nspec: { template: { spec: { containers: [] } } }\n'))).toThrow(/m\.yaml: Deployment default\/x: spec\.selector is required/);
    expect(() => readManifests(tmp('m.yaml', 'a: [\n'))).toThrow(/m\.yaml: document 1:/);
    expect(() => readNodes(tmp('n.yaml', 'kind: Pod\nmetadata: { name: p }\n'))).toThrow(/n\.yaml: kind must be Node, got Pod/);
    expect(() => readNodes(tmp('n.yaml', 'kind: Node\nmetadata: { name: n }\nstatus: { allocatable: { cpu: two, memory: 1Gi } }\n'))).toThrow(/Node n: status\.allocatable: "two" is not a Kubernetes quantity/);
  });
  it('explain names the offending field', () => {
    expect(() => explain({ nodes: [], pods: [{ kind: 'Pod', metadata: { name: 'x' }, spec: { nodeName: 'gone', containers: [] } }], pod: { kind: 'Pod', spec: { containers: [] } } } as never)).toThrow(
      'state.pods[0].spec.nodeName: no node named "gone" in state.nodes',
    );
  });
});
