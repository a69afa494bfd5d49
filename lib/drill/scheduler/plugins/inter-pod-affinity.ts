/**
 * InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity), following filtering.go and
 * scoring.go:
 * - required affinity: the node's domain (for every term's topology key) must hold a pod matching
 *   all the terms, unless no such pod exists anywhere and the pod matches its own terms;
 * - required anti-affinity: no pod matching any term in the node's domain;
 * - existing pods' required anti-affinity: the incoming pod must not match a term of a pod
 *   already running in the node's domain;
 * - Score: incoming preferred (anti-)affinity, plus existing pods' required affinity (weight 1)
 *   and preferred (anti-)affinity towards the incoming pod, summed per topology domain.
 * Terms' namespaces default to the pod's own; terminating pods count (upstream does not skip them).
 */
import { CycleState, MAX_NODE_SCORE, Plugin, unresolvable, unschedulable, SKIP } from '../framework';
import { CompiledTerm, termMatchesPod } from '../pod-info';
import { NodeInfo, PodCounter } from '../snapshot';

export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

const NAME = 'InterPodAffinity';

interface FilterState {
  /** Per affinity term: pods matching all terms per domain of the term's key. */
  affinityCounts: Float64Array[];
  affinityAnyMatch: boolean;
  selfMatchesAffinity: boolean;
  antiCounts: Float64Array[];
  /** topologyKey -> domain ids where an existing pod's anti-affinity forbids the pod. */
  existingAnti: Map<string, Set<number>>;
}

function domainCounts(cs: CycleState, key: string, counter: PodCounter): Float64Array {
  const d = cs.snapshot.domains(key);
  const out = new Float64Array(d.values.length);
  const per = counter.perNode;
  for (const n of cs.snapshot.nodes) {
    const id = d.ids[n.idx];
    if (id >= 0 && per[n.idx] > 0) out[id] += per[n.idx];
  }
  return out;
}

function termCounter(cs: CycleState, t: CompiledTerm): PodCounter {
  return cs.snapshot.termCounter(t);
}

export const InterPodAffinity: Plugin = {
  name: NAME,
  preFilter(cs) {
    const info = cs.pod.info;
    const snap = cs.snapshot;
    const existingAnti = new Map<string, Set<number>>();
    for (const h of snap.heldTerms('requiredAntiAffinity')) {
      if (h.total <= 0 || !termMatchesPod(h.term, info.namespace, cs.pod.labels)) continue;
      const d = snap.domains(h.term.topologyKey);
      let set = existingAnti.get(h.term.topologyKey);
      if (!set) existingAnti.set(h.term.topologyKey, (set = new Set()));
      for (const n of snap.nodes) if (h.perNode[n.idx] > 0 && d.ids[n.idx] >= 0) set.add(d.ids[n.idx]);
    }
    let affinityCounts: Float64Array[] = [];
    let affinityAnyMatch = false;
    if (info.affinity.length > 0) {
      const terms = info.affinity;
      const all = snap.counterFor(`all:${terms.map((t) => t.key).join('&')}`, terms[0].selector.anchor, true, (p) => terms.every((t) => termMatchesPod(t, p.namespace, p.labels)));
      affinityCounts = terms.map((t) => domainCounts(cs, t.topologyKey, all));
      affinityAnyMatch = affinityCounts.some((c) => c.some((x) => x > 0));
    }
    const antiCounts = info.antiAffinity.map((t) => domainCounts(cs, t.topologyKey, termCounter(cs, t)));
    const selfMatchesAffinity = info.affinity.length > 0 && info.affinity.every((t) => termMatchesPod(t, info.namespace, cs.pod.labels));
    if (existingAnti.size === 0 && info.affinity.length === 0 && info.antiAffinity.length === 0) return SKIP;
    const state: FilterState = { affinityCounts, affinityAnyMatch, selfMatchesAffinity, antiCounts, existingAnti };
    cs.write(NAME, state);
    return undefined;
  },
  filter(cs, node) {
    const s = cs.read<FilterState>(NAME);
    if (!s) return undefined;
    const info = cs.pod.info;
    const snap = cs.snapshot;
    if (info.affinity.length > 0) {
      let podsExist = true;
      for (let i = 0; i < info.affinity.length; i++) {
        const id = snap.domains(info.affinity[i].topologyKey).ids[node.idx];
        if (id < 0) return unresolvable(NAME, ErrReasonAffinityRulesNotMatch);
        if (s.affinityCounts[i][id] <= 0) podsExist = false;
      }
      if (!podsExist && !(!s.affinityAnyMatch && s.selfMatchesAffinity)) return unresolvable(NAME, ErrReasonAffinityRulesNotMatch);
    }
    for (let i = 0; i < info.antiAffinity.length; i++) {
      const id = snap.domains(info.antiAffinity[i].topologyKey).ids[node.idx];
      if (id >= 0 && s.antiCounts[i][id] > 0) return unschedulable(NAME, ErrReasonAntiAffinityRulesNotMatch);
    }
    for (const [key, ids] of s.existingAnti) {
      const id = snap.domains(key).ids[node.idx];
      if (id >= 0 && ids.has(id)) return unschedulable(NAME, ErrReasonExistingAntiAffinityRulesNotMatch);
    }
    return undefined;
  },
  preScore(cs) {
    const info = cs.pod.info;
    const snap = cs.snapshot;
    const hasPreferred = info.preferredAffinity.length > 0 || info.preferredAntiAffinity.length > 0;
    if (!hasPreferred && snap.podsWithAffinity === 0) return false;
    const scores = new Map<string, Float64Array>();
    const add = (key: string, per: readonly number[], weight: number) => {
      const d = snap.domains(key);
      let arr = scores.get(key);
      if (!arr) scores.set(key, (arr = new Float64Array(d.values.length)));
      for (const n of snap.nodes) {
        const id = d.ids[n.idx];
        if (id >= 0 && per[n.idx] > 0) arr[id] += weight * per[n.idx];
      }
    };
    for (const w of info.preferredAffinity) add(w.term.topologyKey, termCounter(cs, w.term).perNode, w.weight);
    for (const w of info.preferredAntiAffinity) add(w.term.topologyKey, termCounter(cs, w.term).perNode, -w.weight);
    const heldMatch = (kind: 'requiredAffinity' | 'preferredAffinity' | 'preferredAntiAffinity', sign: number) => {
      for (const h of snap.heldTerms(kind)) {
        if (h.total <= 0 || !termMatchesPod(h.term, info.namespace, cs.pod.labels)) continue;
        add(h.term.topologyKey, h.perNode, sign * h.weight);
      }
    };
    heldMatch('requiredAffinity', 1); // hardPodAffinityWeight defaults to 1
    heldMatch('preferredAffinity', 1);
    heldMatch('preferredAntiAffinity', -1);
    cs.write(NAME + ':score', scores);
    return true;
  },
  score(cs, node: NodeInfo) {
    const scores = cs.read<Map<string, Float64Array>>(NAME + ':score')!;
    let s = 0;
    for (const [key, arr] of scores) {
      const id = cs.snapshot.domains(key).ids[node.idx];
      if (id >= 0) s += arr[id];
    }
    return s;
  },
  normalizeScore(_cs, scores) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of scores) {
      if (s > max) max = s;
      if (s < min) min = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i] - min)) / diff) : 0;
  },
};
