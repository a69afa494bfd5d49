/**
 * What the descheduler's RemovePodsViolatingTopologySpreadConstraint (with
 * `constraints: [DoNotSchedule, ScheduleAnyway]`) would evict after an AZ returns, using its
 * balanceDomains arithmetic, and the evictions PodDisruptionBudgets allow.
 */
import { Cluster } from './sim/cluster';
import { SimPod } from './scheduler/snapshot';

export interface Imbalance {
  readonly namespace: string;
  readonly selector: string;
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly counts: Record<string, number>;
}

export interface DeschedulerPlan {
  readonly imbalances: Imbalance[];
  readonly evict: SimPod[];
  readonly blockedByPdb: SimPod[];
}

export function planDescheduler(c: Cluster): DeschedulerPlan {
  const imbalances: Imbalance[] = [];
  const chosen = new Set<SimPod>();
  const seen = new Set<string>();
  const live = c.pods.filter((p) => p.nodeIdx >= 0 && !p.terminating);
  const nodes = c.snapshot.nodes.filter((n) => n.ready && !n.taints.some((t) => t.effect !== 'PreferNoSchedule'));
  for (const p of live) {
    if (p.info.spreadSystemDefaulted) continue;
    for (const k of p.info.spreadConstraints) {
      const key = `${p.namespace}|${k.selector.key}|${k.topologyKey}|${k.maxSkew}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const domains = new Map<string, SimPod[]>();
      for (const n of nodes) {
        const v = n.labels[k.topologyKey];
        if (v !== undefined && (k.nodeAffinityPolicy === 'Ignore' || p.info.requiredNodeAffinity(n.labels, n.name)) && !domains.has(v)) domains.set(v, []);
      }
      for (const q of live) {
        if (q.namespace !== p.namespace || !k.selector.matches(q.labels)) continue;
        const v = c.node(q)!.labels[k.topologyKey];
        if (v !== undefined && domains.has(v)) domains.get(v)!.push(q);
      }
      if (domains.size < 2) continue;
      const sorted = [...domains.entries()].map(([v, pods]) => ({ v, pods: [...pods].sort((a, b) => a.uid - b.uid) })).sort((a, b) => a.pods.length - b.pods.length || (a.v < b.v ? -1 : 1));
      const counts = Object.fromEntries(sorted.map((d) => [d.v, d.pods.length]));
      if (sorted[sorted.length - 1].pods.length - sorted[0].pods.length <= k.maxSkew) continue;
      imbalances.push({ namespace: p.namespace, selector: k.selector.key, topologyKey: k.topologyKey, maxSkew: k.maxSkew, counts });
      const sum = sorted.reduce((s, d) => s + d.pods.length, 0);
      const avg = sum / sorted.length;
      let i = 0;
      let j = sorted.length - 1;
      while (i < j) {
        if (sorted[j].pods.length <= avg) {
          j--;
          continue;
        }
        const skew = sorted[j].pods.length - sorted[i].pods.length;
        if (skew <= k.maxSkew) {
          i++;
          continue;
        }
        const move = Math.min(Math.ceil(sorted[j].pods.length - avg), Math.ceil(avg - sorted[i].pods.length), Math.ceil((skew - k.maxSkew) / 2));
        if (move <= 0) {
          i++;
          continue;
        }
        const moved = sorted[j].pods.splice(sorted[j].pods.length - move, move);
        for (const m of moved) chosen.add(m);
        sorted[i].pods.push(...moved);
      }
    }
  }
  const allowed = new Map(c.pdbStatus().map((s) => [s.pdb, s.allowed]));
  const evict: SimPod[] = [];
  const blockedByPdb: SimPod[] = [];
  for (const p of chosen) {
    const pdbs = [...allowed.keys()].filter((b) => b.namespace === p.namespace && b.selector.matches(p.labels));
    if (pdbs.every((b) => allowed.get(b)! > 0)) {
      for (const b of pdbs) allowed.set(b, allowed.get(b)! - 1);
      evict.push(p);
    } else blockedByPdb.push(p);
  }
  return { imbalances, evict, blockedByPdb };
}
