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
  const byNamespace = new Map<string, SimPod[]>();
  for (const p of live) {
    const list = byNamespace.get(p.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.namespace, [p]);
  }
  const infos = new Set<number>();
  for (const p of live) {
    if (p.info.spreadSystemDefaulted || infos.has(p.info.id)) continue;
    infos.add(p.info.id);
    for (const k of p.info.spreadConstraints) {
      const key = `${p.namespace}|${k.selector.key}|${k.topologyKey}|${k.maxSkew}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const d = c.snapshot.domains(k.topologyKey);
      const eligible = new Uint8Array(d.values.length);
      const checkAffinity = k.nodeAffinityPolicy === 'Honor' && p.info.hasRequiredNodeAffinity;
      for (const n of nodes) {
        const id = d.ids[n.idx];
        if (id >= 0 && (!checkAffinity || p.info.requiredNodeAffinity(n.labels, n.name))) eligible[id] = 1;
      }
      const podsBy: SimPod[][] = Array.from({ length: d.values.length }, () => []);
      for (const q of byNamespace.get(p.namespace)!) {
        if (!k.selector.matches(q.labels)) continue;
        const id = d.ids[q.nodeIdx];
        if (id >= 0 && eligible[id]) podsBy[id].push(q);
      }
      let min = Infinity;
      let max = -Infinity;
      let domainCount = 0;
      for (let id = 0; id < podsBy.length; id++) {
        if (!eligible[id]) continue;
        domainCount++;
        min = Math.min(min, podsBy[id].length);
        max = Math.max(max, podsBy[id].length);
      }
      if (domainCount < 2 || max - min <= k.maxSkew) continue;
      const sorted = podsBy
        .map((pods, id) => ({ v: d.values[id], pods: pods.sort((a, b) => a.uid - b.uid), id }))
        .filter((x) => eligible[x.id])
        .sort((a, b) => a.pods.length - b.pods.length || (a.v < b.v ? -1 : 1));
      const counts = Object.fromEntries(sorted.map((x) => [x.v, x.pods.length]));
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
  const relevant = new Set(c.pdbs.filter((b) => [...chosen].some((p) => b.namespace === p.namespace && b.selector.matches(p.labels))));
  const allowed = new Map(c.pdbStatus(relevant).map((s) => [s.pdb, s.allowed]));
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
