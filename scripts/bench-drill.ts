/**
 * npm run bench:drill — the drill on a generated cluster: 3 AZs, 1,000 nodes, 10,000 pods, every
 * scenario (steady state, each AZ lost and back with the descheduler, one node lost).
 * Targets: under 5 s and 1 GiB on 2 cores. Also runs a half-size cluster to show how cost grows.
 *
 * Options: --nodes <n> --pods <n> (one size only), --json (figures as JSON on stdout).
 */
import { runDrill } from '../lib/drill/drill';
import { parseManifests } from '../lib/drill/input';
import { NodeSpecInput } from '../lib/drill/sim/cluster';
import { K8sObject } from '../lib/drill/model/types';
import { instanceAllocatable } from '../lib/drill/instances';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

function nodes(n: number): NodeSpecInput[] {
  const a = instanceAllocatable('m7i.2xlarge');
  return Array.from({ length: n }, (_, i) => {
    const zone = ZONES[i % ZONES.length];
    const name = `ip-10-0-${i % ZONES.length}-${Math.floor(i / ZONES.length)}.eu-west-1.compute.internal`;
    return {
      name,
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone, 'eks.amazonaws.com/nodegroup': `ng-${zone}`, 'node.kubernetes.io/instance-type': 'm7i.2xlarge' },
      taints: [],
      unschedulable: false,
      cpu: a.cpuMillis,
      memory: a.memoryBytes,
      pods: a.maxPods,
      group: `ng-${zone}`,
    };
  });
}

const container = (cpu: string, memory: string) => [{ name: 'app', image: 'example/app:1', resources: { requests: { cpu, memory }, limits: { memory } } }];
const spread = (key: string, when: string, app: string, extra: Record<string, unknown> = {}) => ({ maxSkew: 1, topologyKey: key, whenUnsatisfiable: when, labelSelector: { matchLabels: { app } }, ...extra });
const tolerations = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
];

/** ~pods pods: spread Deployments (80%), preferred and required anti-affinity (17%), StatefulSets on EFS (3%). */
function manifests(pods: number): K8sObject[] {
  const out: K8sObject[] = [
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'efs' }, provisioner: 'efs.csi.aws.com', volumeBindingMode: 'Immediate' },
  ];
  const deploy = (name: string, replicas: number, spec: Record<string, unknown>, ns: string) => {
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: container('100m', '256Mi'), tolerations, ...spec } } },
    });
    out.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } } });
  };
  const scale = pods / 10000;
  for (let i = 0; i < 100; i++) {
    const name = `svc-${i}`;
    deploy(name, Math.round(80 * scale), {
      topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 'ScheduleAnyway', name), spread('kubernetes.io/hostname', i % 2 ? 'DoNotSchedule' : 'ScheduleAnyway', name, { minDomains: 3, nodeTaintsPolicy: 'Honor' })],
    }, `team-${i % 10}`);
  }
  for (let i = 0; i < 20; i++) {
    const name = `cache-${i}`;
    deploy(name, Math.round(50 * scale), {
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: name } }, topologyKey: 'kubernetes.io/hostname' } }] } },
    }, 'caches');
  }
  for (let i = 0; i < 7; i++) {
    const name = `edge-${i}`;
    deploy(name, Math.round(100 * scale), {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: name } }, topologyKey: 'kubernetes.io/hostname' }] } },
    }, 'edge');
  }
  for (let i = 0; i < 10; i++) {
    const name = `db-${i}`;
    out.push({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: 'data' },
      spec: {
        replicas: Math.round(30 * scale),
        serviceName: name,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: container('250m', '512Mi'), topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 'DoNotSchedule', name, { nodeTaintsPolicy: 'Honor' })] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'efs', accessModes: ['ReadWriteMany'] } }],
      },
    });
  }
  return out;
}

interface Figures {
  nodes: number;
  pods: number;
  scenarios: number;
  seconds: number;
  peakRssMiB: number;
  ok: boolean;
  pendingAtEnd: number;
}

function bench(nodeCount: number, podCount: number): Figures {
  const objects = manifests(podCount).map((object, i) => ({ object, source: `generated#${i}` }));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = process.hrtime.bigint();
  const r = runDrill({ manifests: parseManifests(objects), nodes: nodes(nodeCount), keepPlacement: false });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const pods = r.scenarios[0].phases[0].pending.length;
  return {
    nodes: nodeCount,
    pods: podCount,
    scenarios: r.scenarios.length,
    seconds: Math.round(seconds * 100) / 100,
    peakRssMiB: Math.round(peak / 1024 ** 2),
    ok: r.ok,
    pendingAtEnd: pods,
  };
}

const argv = process.argv.slice(2);
const arg = (k: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? Number(argv[i + 1]) : undefined;
};
const sizes: [number, number][] = arg('nodes') ? [[arg('nodes')!, arg('pods') ?? arg('nodes')! * 10]] : [[500, 5000], [1000, 10000]];
const figures = sizes.map(([n, p]) => bench(n, p));
if (argv.includes('--json')) {
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
} else {
  process.stdout.write('| nodes | pods | scenarios | time | peak RSS |\n|---|---|---|---|---|\n');
  for (const f of figures) process.stdout.write(`| ${f.nodes} | ${f.pods} | ${f.scenarios} | ${f.seconds.toFixed(2)} s | ${f.peakRssMiB} MiB |\n`);
}
const big = figures[figures.length - 1];
if (big.nodes >= 1000 && (big.seconds > 5 || big.peakRssMiB > 1024)) {
  process.stderr.write(`bench:drill: over budget (${big.seconds} s, ${big.peakRssMiB} MiB; budget 5 s, 1024 MiB)\n`);
  process.exitCode = 1;
}
