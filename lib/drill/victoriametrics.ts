/**
 * Recognising a VictoriaMetrics cluster in any manifests, and judging whether its data stays
 * readable. vminsert sorts its -storageNode list as text and writes each series to
 * -replicationFactor consecutive nodes of that order (wrapping), so the data whose first copy
 * lands on shard k is readable while any of shards k .. k+RF-1 is up.
 */
import { K8sObject } from './model/types';
import { compileSelector } from './model/selectors';
import { Cluster } from './sim/cluster';
import { SimPod } from './scheduler/snapshot';
import { Workload } from './sim/workloads';

export type VmComponent = 'vminsert' | 'vmselect' | 'vmstorage';

export interface VmShard {
  /** The -storageNode address (or the pod identity when vminsert is absent). */
  readonly address: string;
  readonly label: string;
  readonly matches: (p: SimPod) => boolean;
  readonly claims: readonly string[];
}

export interface VmCluster {
  readonly namespace: string;
  readonly replicationFactor: number;
  /** In vminsert's (text-sorted) order. */
  readonly shards: readonly VmShard[];
  readonly workloads: Record<VmComponent, Workload[]>;
}

export function componentOf(w: Workload): VmComponent | undefined {
  const name = w.podLabels['app.kubernetes.io/name'] ?? w.podLabels['app.kubernetes.io/component'] ?? w.podLabels.app;
  for (const c of ['vminsert', 'vmselect', 'vmstorage'] as const) if (name === c) return c;
  for (const c of ['vminsert', 'vmselect', 'vmstorage'] as const) if (w.podSpec.containers.some((k) => (k.image ?? '').includes(`/${c}:`) || (k.image ?? '').startsWith(`${c}:`))) return c;
  return undefined;
}

function args(w: Workload): string[] {
  return w.podSpec.containers.flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
}

function flag(a: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const m = new RegExp(`^--?${name.replace('.', '\\.')}(?:=(.*))?$`).exec(a[i]);
    if (!m) continue;
    out.push(...(m[1] ?? a[i + 1] ?? '').split(',').filter(Boolean));
  }
  return out;
}

export function recogniseVictoriaMetrics(workloads: readonly Workload[], services: readonly K8sObject[]): VmCluster | undefined {
  const by: Record<VmComponent, Workload[]> = { vminsert: [], vmselect: [], vmstorage: [] };
  for (const w of workloads) {
    const c = componentOf(w);
    if (c) by[c].push(w);
  }
  if (by.vmstorage.length === 0) return undefined;
  const namespace = by.vmstorage[0].namespace;
  const insertArgs = by.vminsert.length ? args(by.vminsert[0]) : [];
  const rf = Number(flag(insertArgs, 'replicationFactor')[0] ?? '1') || 1;
  const nodes = flag(insertArgs, 'storageNode').map((s) => s.replace(/^[^/]*\//, '')); // strip a group prefix
  const isStorage = (p: SimPod) => by.vmstorage.some((w) => w.key === p.workload);
  let shards: VmShard[];
  if (nodes.length > 0) {
    shards = [...nodes].sort().map((address) => {
      const host = address.split(':')[0];
      const [first, second] = host.split('.');
      const svc = services.find((s) => s.metadata?.name === first && (s.metadata?.namespace ?? 'default') === namespace && s.spec?.selector && Object.keys(s.spec.selector).length);
      if (svc) {
        const sel = compileSelector({ matchLabels: svc.spec.selector });
        const ws = by.vmstorage.filter((w) => sel.matches(w.podLabels));
        return { address, label: first, matches: (p: SimPod) => isStorage(p) && sel.matches(p.labels), claims: ws.flatMap(claimsOfWorkload) };
      }
      // StatefulSet pod DNS: <pod>.<service>.<ns>.svc
      const sts = by.vmstorage.find((w) => w.kind === 'StatefulSet' && (w.serviceName === second || first.startsWith(`${w.name}-`)));
      const claims = sts ? sts.volumeClaimTemplates.map((t) => `${t.metadata?.name}-${first}`) : [];
      return { address, label: first, matches: (p: SimPod) => isStorage(p) && p.name === first, claims };
    });
  } else {
    shards = by.vmstorage.flatMap((w) =>
      w.kind === 'StatefulSet'
        ? Array.from({ length: w.replicas }, (_, i) => {
            const name = `${w.name}-${i}`;
            return { address: name, label: name, matches: (p: SimPod) => p.workload === w.key && p.name === name, claims: w.volumeClaimTemplates.map((t) => `${t.metadata?.name}-${name}`) };
          })
        : [{ address: w.name, label: w.name, matches: (p: SimPod) => p.workload === w.key, claims: claimsOfWorkload(w) }],
    );
    shards.sort((a, b) => (a.address < b.address ? -1 : 1));
  }
  return { namespace, replicationFactor: Math.min(rf, shards.length), shards, workloads: by };
}

function claimsOfWorkload(w: Workload): string[] {
  return (w.podSpec.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim!.claimName);
}

export function shardLive(c: Cluster, s: VmShard, t: number): boolean {
  return c.pods.some((p) => s.matches(p) && c.isLive(p, t));
}

/** Indexes of shards whose first-copy data has no live replica at time t. */
export function unreadableSlices(c: Cluster, vm: VmCluster, t: number): number[] {
  const live = vm.shards.map((s) => shardLive(c, s, t));
  const out: number[] = [];
  for (let k = 0; k < vm.shards.length; k++) {
    let ok = false;
    for (let r = 0; r < vm.replicationFactor; r++) if (live[(k + r) % vm.shards.length]) ok = true;
    if (!ok) out.push(k);
  }
  return out;
}

export function componentLive(c: Cluster, vm: VmCluster, comp: VmComponent, t: number): number {
  const keys = new Set(vm.workloads[comp].map((w) => w.key));
  return c.pods.filter((p) => keys.has(p.workload) && c.isLive(p, t)).length;
}

/** Where a shard's volume can be attached: 'any' zone, a list of zones, or unknown. */
export function shardVolumeZones(c: Cluster, vm: VmCluster, s: VmShard): string[] | 'any' {
  let zones: string[] | 'any' = 'any';
  for (const name of s.claims) {
    const claim = c.volumes.claims.get(`${vm.namespace}/${name}`);
    const v = claim?.volumeName ? c.volumes.volumes.get(claim.volumeName) : undefined;
    if (v?.zones?.length) zones = zones === 'any' ? [...v.zones] : zones.filter((z) => v.zones!.includes(z));
  }
  return zones;
}
