/**
 * The drill: steady state, the loss of each AZ as it happens on EKS, the loss of one node, and
 * the AZ coming back; verdicts per scenario.
 */
import { CapacityModel, FixedCapacity } from './capacity';
import { planDescheduler } from './descheduler';
import { Manifests } from './input';
import { DEFAULT_TIMING, Cluster, NodeSpecInput, Timing } from './sim/cluster';
import { SimPod } from './scheduler/snapshot';
import { componentLive, recogniseVictoriaMetrics, shardLive, shardVolumeZones, unreadableSlices, VmCluster } from './victoriametrics';
import { FrameworkOptions } from './scheduler/framework';
import { defaultFramework } from './scheduler/profile';

export interface DrillInput {
  readonly manifests: Manifests;
  readonly nodes: readonly NodeSpecInput[];
  readonly capacity?: CapacityModel;
  readonly timing?: Partial<Timing>;
  readonly scheduler?: FrameworkOptions;
  /** Keep per-pod placement in phases (reports, pictures); off for benchmarks. */
  readonly keepPlacement?: boolean;
}

export interface PhaseView {
  readonly name: string;
  readonly t: number;
  readonly nodes: { name: string; zone: string; ready: boolean; tainted: boolean; added: boolean }[];
  /** Pod placement: node name -> pods (workload short names); undefined unless keepPlacement. */
  readonly placement?: Record<string, { pod: string; component: string; terminating: boolean }[]>;
  readonly pending: { pod: string; reason: string }[];
}

export interface Check {
  readonly ok: boolean;
  readonly text: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly ok: boolean;
  readonly checks: Check[];
  readonly phases: PhaseView[];
  readonly lostReplicas: { workload: string; desired: number; running: number }[];
  readonly vm?: {
    readsComplete: boolean;
    unreadable: string[];
    ingestion: boolean;
    wholeAfterSeconds: number | null;
    shardRecovery: { shard: string; backAfterSeconds: number | null; volume: string }[];
  };
  readonly azReturn?: {
    imbalances: { workload: string; topologyKey: string; counts: Record<string, number>; maxSkew: number }[];
    deschedulerEvicts: string[];
    blockedByPdb: string[];
    after?: PhaseView;
  };
  readonly log: { t: number; msg: string }[];
}

export interface DrillResult {
  readonly ok: boolean;
  readonly zones: string[];
  readonly capacity: string;
  readonly timing: Timing;
  readonly victoriametrics?: { namespace: string; replicationFactor: number; shards: string[] };
  readonly scenarios: ScenarioResult[];
}

const STEADY_START = -3600;

function view(c: Cluster, name: string, keep: boolean, vmComponent: (p: SimPod) => string): PhaseView {
  const added = new Set(c.addedNodes);
  const nodes = c.snapshot.nodes
    .map((n) => ({ name: n.name, zone: n.zone, ready: n.ready, tainted: n.taints.some((t) => t.key === 'node.kubernetes.io/unreachable'), added: added.has(n.name) }))
    .sort((a, b) => (a.zone + a.name < b.zone + b.name ? -1 : 1));
  let placement: PhaseView['placement'];
  if (keep) {
    placement = {};
    for (const n of c.snapshot.nodes) placement[n.name] = n.pods.map((p) => ({ pod: p.name, component: vmComponent(p), terminating: p.terminating }));
  }
  return { name, t: c.now, nodes, placement, pending: c.pending().map((p) => ({ pod: `${p.namespace}/${p.name}`, reason: p.pendingReason ?? '' })) };
}

function summarisePending(pending: readonly { pod: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const p of pending) byReason.set(p.reason, [...(byReason.get(p.reason) ?? []), p.pod]);
  return [...byReason].map(([r, pods]) => `${pods.length} pod(s) Pending (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', ...' : ''}): ${r}`).join('; ');
}

function lostReplicas(c: Cluster, t: number): ScenarioResult['lostReplicas'] {
  const live = new Map<string, number>();
  for (const p of c.pods) if (c.isLive(p, t)) live.set(p.workload, (live.get(p.workload) ?? 0) + 1);
  return c.workloads.map((w) => ({ workload: w.key, desired: w.replicas, running: live.get(w.key) ?? 0 })).filter((x) => x.running < x.desired);
}

export function runDrill(input: DrillInput): DrillResult {
  const timing: Timing = { ...DEFAULT_TIMING, ...input.timing };
  const keep = input.keepPlacement ?? true;
  const m = input.manifests;
  const capacity = input.capacity ?? new FixedCapacity();
  const framework = defaultFramework(input.scheduler);
  const base = new Cluster(m.workloads, m.pdbs, m.volumes, capacity, timing, '', framework);
  const vm = recogniseVictoriaMetrics(m.workloads, m.services);
  const vmKeys = new Map<string, string>();
  if (vm) for (const comp of ['vminsert', 'vmselect', 'vmstorage'] as const) for (const w of vm.workloads[comp]) vmKeys.set(w.key, comp);
  const compOf = (p: SimPod) => vmKeys.get(p.workload) ?? 'other';

  base.now = STEADY_START;
  for (const n of input.nodes) base.addNode(n, STEADY_START);
  for (const { namespace, object } of m.claims) base.createClaim(namespace, object);
  base.settle();
  base.now = 0;
  // The zones of the settled cluster, so nodes the autoscaler added count too.
  const zones = [...new Set(base.snapshot.nodes.map((n) => n.labels['topology.kubernetes.io/zone']).filter((z): z is string => !!z))].sort();

  const scenarios: ScenarioResult[] = [];
  // Steady state.
  {
    const checks: Check[] = [];
    if (zones.length < 2) {
      // No AZ loss can be simulated, so nothing would be proven: that is a failure, not a pass.
      checks.push({ ok: false, text: `nodes in ${zones.length} zone(s) (label topology.kubernetes.io/zone): at least 2 are needed to drill the loss of one` });
    }
    const pending = base.pending();
    checks.push(pending.length === 0 ? { ok: true, text: 'every pod is scheduled' } : { ok: false, text: summarisePending(pending.map((p) => ({ pod: `${p.namespace}/${p.name}`, reason: p.pendingReason ?? '' }))) });
    if (vm) {
      const bad = unreadableSlices(base, vm, 0);
      checks.push(bad.length === 0 ? { ok: true, text: `all ${vm.shards.length} vmstorage shards are up` } : { ok: false, text: `vmstorage shard(s) ${bad.map((k) => vm.shards[k].label).join(', ')} have no running replica` });
      const zoneCount = new Map<string, number>();
      for (const s of vm.shards) for (const p of base.pods) if (s.matches(p) && base.node(p)) zoneCount.set(base.node(p)!.zone, (zoneCount.get(base.node(p)!.zone) ?? 0) + 1);
      checks.push({ ok: true, text: `vmstorage shards per AZ: ${[...zoneCount].sort().map(([z, n]) => `${z} ${n}`).join(', ')}` });
    }
    scenarios.push({ id: 'steady', title: 'Steady state', ok: checks.every((c) => c.ok), checks, phases: [view(base, 'steady', keep, compOf)], lostReplicas: lostReplicas(base, 0), log: base.log.slice() });
  }

  for (const zone of zones) {
    const names = base.snapshot.nodes.filter((n) => n.zone === zone).map((n) => n.name);
    scenarios.push(runLoss(base, vm, `az-loss-${zone}`, `Loss of AZ ${zone}`, names, zone, keep, compOf));
  }
  // One node: the one with the most VictoriaMetrics pods, else the most pods.
  const victim = [...base.snapshot.nodes].sort((a, b) => {
    const va = a.pods.filter((p) => vmKeys.has(p.workload)).length;
    const vb = b.pods.filter((p) => vmKeys.has(p.workload)).length;
    return vb - va || b.pods.length - a.pods.length || (a.name < b.name ? -1 : 1);
  })[0];
  if (victim) scenarios.push(runLoss(base, vm, 'node-loss', `Loss of node ${victim.name} (${victim.zone})`, [victim.name], undefined, keep, compOf));

  return {
    ok: scenarios.every((s) => s.ok),
    zones,
    capacity: capacity.describe(),
    timing,
    victoriametrics: vm ? { namespace: vm.namespace, replicationFactor: vm.replicationFactor, shards: vm.shards.map((s) => s.address) } : undefined,
    scenarios,
  };
}

function runLoss(base: Cluster, vm: VmCluster | undefined, id: string, title: string, names: string[], zone: string | undefined, keep: boolean, compOf: (p: SimPod) => string): ScenarioResult {
  const c = base.clone();
  const T = c.timing;
  const checks: Check[] = [];
  const phases: PhaseView[] = [];
  const specs = names.map((n) => c.nodeSpecs.get(n)!).filter(Boolean);
  c.log.length = 0;
  c.now = 0;
  if (zone) c.zonesDown.add(zone);
  c.loseNodes(names);
  phases.push(view(c, 'lost', keep, compOf));
  c.now = T.nodeMonitorGracePeriodSeconds;
  c.taintUnreachable(names);
  c.settle();
  const lostSet = new Set(names);
  const onLost = c.pods.filter((p) => p.nodeIdx >= 0 && lostSet.has(c.node(p)!.name));
  const byTime = new Map<number, SimPod[]>();
  let never = 0;
  for (const p of onLost) {
    const d = c.evictionDelay(p);
    if (!Number.isFinite(d)) {
      never++;
      continue;
    }
    const t = T.nodeMonitorGracePeriodSeconds + d;
    byTime.set(t, [...(byTime.get(t) ?? []), p]);
  }
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) {
    c.now = t;
    c.evict(byTime.get(t)!);
    c.note(`taint manager evicts ${byTime.get(t)!.length} pod(s) (tolerationSeconds expired)`);
    c.settle();
  }
  if (never) c.note(`${never} pod(s) tolerate unreachable forever and stay bound to the lost node(s)`);
  const settledAt = c.now;
  const evictedView = view(c, 'evicted, lost nodes still NotReady', keep, compOf);
  phases.push(evictedView);
  if (evictedView.pending.length) checks.push({ ok: false, text: `while the lost nodes are NotReady: ${summarisePending(evictedView.pending)}` });
  else checks.push({ ok: true, text: 'no pod Pending while the lost nodes are NotReady' });
  const maxReady = Math.max(settledAt, ...c.pods.map((p) => p.readyAt ?? 0).filter(Number.isFinite));
  const lostBeforeRemoval = lostReplicas(c, maxReady).filter((x) => x.running < x.desired);

  // The node objects go (node auto-repair, zonal shift, an operator).
  c.now = Math.max(T.nodeRemovalSeconds, settledAt);
  c.removeNodes(names);
  c.settle();
  const removedView = view(c, 'lost nodes deleted', keep, compOf);
  phases.push(removedView);
  if (removedView.pending.length) checks.push({ ok: false, text: `after the lost nodes are deleted: ${summarisePending(removedView.pending)}` });
  const endT = Math.max(c.now, ...c.pods.map((p) => p.readyAt ?? 0).filter(Number.isFinite));
  const lostAfter = lostReplicas(c, endT);
  for (const l of lostBeforeRemoval) {
    const after = lostAfter.find((x) => x.workload === l.workload);
    checks.push({
      ok: !after,
      text: after
        ? `${l.workload}: ${after.running}/${after.desired} running even after the lost nodes are deleted`
        : `${l.workload}: ${l.running}/${l.desired} running until the lost nodes are deleted (t=${c.now}s), then restored`,
    });
  }

  let vmResult: ScenarioResult['vm'];
  if (vm) {
    const times = [0, ...new Set(c.pods.map((p) => p.readyAt ?? 0).filter((t) => t > 0 && Number.isFinite(t)))].sort((a, b) => a - b);
    const unreadable = new Set<string>();
    let ingestion = true;
    for (const t of times) {
      if (t > endT) break;
      for (const k of unreadableSlices(c, vm, t)) unreadable.add(vm.shards[k].label);
      if (t >= T.nodeMonitorGracePeriodSeconds || t === 0) {
        const ins = componentLive(c, vm, 'vminsert', t);
        const sto = vm.shards.filter((s) => shardLive(c, s, t)).length;
        if (ins === 0 || sto === 0) ingestion = false;
      }
    }
    const shardRecovery = vm.shards.map((s) => {
      const live = c.pods.filter((p) => s.matches(p) && c.isLive(p, endT));
      const back = live.length ? Math.min(...live.map((p) => Math.max(0, p.readyAt ?? 0))) : null;
      const z = shardVolumeZones(c, vm, s);
      return { shard: s.label, backAfterSeconds: back, volume: z === 'any' ? 'attachable in any AZ' : `zonal: ${z.join(', ')}` };
    });
    const whole = shardRecovery.every((s) => s.backAfterSeconds !== null) ? Math.max(...shardRecovery.map((s) => s.backAfterSeconds!)) : null;
    const readsComplete = unreadable.size === 0;
    checks.push(
      readsComplete
        ? { ok: true, text: `every vmstorage shard's data stays readable (replicationFactor ${vm.replicationFactor})` }
        : { ok: false, text: `data of vmstorage shard(s) ${[...unreadable].join(', ')} is unreadable: no live replica in a surviving AZ` },
    );
    checks.push(ingestion ? { ok: true, text: `ingestion continues (vminsert re-routes from unreachable shards; its dead replicas leave the Service after ${T.nodeMonitorGracePeriodSeconds}s)` } : { ok: false, text: 'ingestion stops: no live vminsert or vmstorage' });
    const stuck = shardRecovery.filter((s) => s.backAfterSeconds === null);
    checks.push(
      whole !== null
        ? { ok: true, text: `all vmstorage shards running again after ${whole}s${whole >= T.nodeRemovalSeconds ? ' (only once the lost nodes are deleted)' : ''}` }
        : { ok: false, text: `not whole while the AZ is down: shard(s) ${stuck.map((s) => `${s.shard} (${s.volume})`).join(', ')} cannot run in a surviving AZ` },
    );
    vmResult = { readsComplete, unreadable: [...unreadable], ingestion, wholeAfterSeconds: whole, shardRecovery };
  }

  let azReturn: ScenarioResult['azReturn'];
  if (zone) {
    c.now = endT + 600;
    c.zonesDown.delete(zone);
    c.restoreNodes(specs);
    c.settle();
    const back = view(c, 'AZ back', keep, compOf);
    phases.push(back);
    c.now = Math.max(c.now, ...c.pods.map((p) => p.readyAt ?? 0).filter(Number.isFinite));
    const plan = planDescheduler(c);
    const podName = (p: SimPod) => `${p.namespace}/${p.name}`;
    const evicts = plan.evict.map(podName);
    if (plan.evict.length) {
      for (const p of plan.evict) {
        c.snapshot.unbind(p);
        c.pods = c.pods.filter((q) => q !== p);
      }
      c.note(`descheduler evicts ${plan.evict.length} pod(s) to restore the spread`);
      c.settle();
    }
    const after = view(c, 'after descheduler', keep, compOf);
    phases.push(after);
    azReturn = {
      imbalances: plan.imbalances.map((i) => ({ workload: `${i.namespace} ${i.selector}`, topologyKey: i.topologyKey, counts: i.counts, maxSkew: i.maxSkew })),
      deschedulerEvicts: evicts,
      blockedByPdb: plan.blockedByPdb.map(podName),
      after,
    };
  }

  return {
    id,
    title,
    ok: checks.every((x) => x.ok),
    checks,
    phases,
    lostReplicas: lostBeforeRemoval,
    vm: vmResult,
    azReturn,
    log: c.log.slice(),
  };
}

export type { VmCluster };
