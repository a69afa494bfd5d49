/**
 * PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread), following filtering.go,
 * scoring.go and common.go:
 * - only DoNotSchedule constraints filter; ScheduleAnyway ones (and the system defaults, for pods
 *   that declare none) only score;
 * - eligible domains come from nodes carrying every constraint's topology key that pass the
 *   constraint's nodeAffinityPolicy (default Honor) and nodeTaintsPolicy (default Ignore);
 * - pods counted are those in the pod's namespace matching the selector (merged with
 *   matchLabelKeys), terminating pods excluded;
 * - skew = matching pods in the node's domain + (1 if the pod matches its own selector) − global
 *   minimum, with the global minimum 0 when there are fewer eligible domains than minDomains.
 */
import { DO_NOT_SCHEDULE_EFFECTS, findUntoleratedTaint } from '../../model/selectors';
import { LabelHostname } from '../../model/types';
import { CycleState, MAX_NODE_SCORE, Plugin, unresolvable, unschedulable, SKIP } from '../framework';
import { CompiledConstraint } from '../pod-info';
import { NodeInfo, PodCounter } from '../snapshot';

export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + ' (missing required label)';

const NAME = 'PodTopologySpread';

interface FilterState {
  constraints: CompiledConstraint[];
  ids: Int32Array[];
  /** Per constraint: matching pods per domain id, and whether the domain is eligible. */
  counts: Int32Array[];
  present: Uint8Array[];
  minMatch: number[];
  selfMatch: boolean[];
}

interface ScoreState {
  constraints: CompiledConstraint[];
  ids: Int32Array[];
  hostname: boolean[];
  counters: PodCounter[];
  counts: Float64Array[];
  present: Uint8Array[];
  weights: number[];
  ignored: Set<number>;
}

function matchNodeInclusionPolicies(cs: CycleState, c: CompiledConstraint, node: NodeInfo): boolean {
  const info = cs.pod.info;
  if (c.nodeAffinityPolicy === 'Honor' && !info.requiredNodeAffinity(node.labels, node.name)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, info.tolerations, DO_NOT_SCHEDULE_EFFECTS)) return false;
  return true;
}

function hasAllKeys(node: NodeInfo, constraints: readonly CompiledConstraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Per node index: 1 when the node counts for constraint i (keys present, policies pass). */
function eligibility(cs: CycleState, kind: 'hard' | 'soft', constraints: CompiledConstraint[], requireAll: boolean): Uint8Array[] {
  return cs.podStatic(`${NAME}:${kind}`, () => {
    const snap = cs.snapshot;
    return constraints.map((c) => {
      const e = new Uint8Array(snap.indexBound);
      for (const n of snap.nodes) {
        if (requireAll && !hasAllKeys(n, constraints)) continue;
        if (n.labels[c.topologyKey] === undefined) continue;
        if (matchNodeInclusionPolicies(cs, c, n)) e[n.idx] = 1;
      }
      return e;
    });
  });
}

export const PodTopologySpread: Plugin = {
  name: NAME,
  preFilter(cs) {
    const info = cs.pod.info;
    const constraints = info.spreadSystemDefaulted ? [] : info.spreadConstraints.filter((c) => c.hard);
    if (constraints.length === 0) return SKIP;
    const snap = cs.snapshot;
    const elig = eligibility(cs, 'hard', constraints, true);
    const state: FilterState = { constraints, ids: [], counts: [], present: [], minMatch: [], selfMatch: [] };
    constraints.forEach((c, i) => {
      const d = snap.domains(c.topologyKey);
      const counts = new Int32Array(d.values.length);
      const present = new Uint8Array(d.values.length);
      const counter = snap.spreadCounter(info.namespace, c.selector);
      const e = elig[i];
      for (const n of snap.nodes) {
        if (!e[n.idx]) continue;
        const id = d.ids[n.idx];
        present[id] = 1;
        counts[id] += counter.perNode[n.idx];
      }
      let min = Number.MAX_SAFE_INTEGER;
      let domainsNum = 0;
      for (let id = 0; id < counts.length; id++) {
        if (!present[id]) continue;
        domainsNum++;
        if (counts[id] < min) min = counts[id];
      }
      if (domainsNum < c.minDomains) min = 0;
      state.ids.push(d.ids);
      state.counts.push(counts);
      state.present.push(present);
      state.minMatch.push(min);
      state.selfMatch.push(c.selector.matches(cs.pod.labels));
    });
    cs.write(NAME, state);
    return undefined;
  },
  filter(cs, node) {
    const s = cs.read<FilterState>(NAME);
    if (!s) return undefined;
    for (let i = 0; i < s.constraints.length; i++) {
      const id = s.ids[i][node.idx];
      if (id < 0) return unresolvable(NAME, ErrReasonNodeLabelNotMatch);
      const matchNum = s.present[i][id] ? s.counts[i][id] : 0;
      const skew = matchNum + (s.selfMatch[i] ? 1 : 0) - s.minMatch[i];
      if (skew > s.constraints[i].maxSkew) return unschedulable(NAME, ErrReasonConstraintsNotMatch);
    }
    return undefined;
  },
  preScore(cs, feasible) {
    const info = cs.pod.info;
    const constraints = info.spreadSystemDefaulted ? [...info.spreadConstraints] : info.spreadConstraints.filter((c) => !c.hard);
    if (constraints.length === 0) return false;
    const snap = cs.snapshot;
    const requireAll = !info.spreadSystemDefaulted;
    const ignored = new Set<number>();
    const ids = constraints.map((c) => snap.domains(c.topologyKey).ids);
    const hostname = constraints.map((c) => c.topologyKey === LabelHostname);
    const present = constraints.map((c) => new Uint8Array(c.topologyKey === LabelHostname ? 0 : snap.domains(c.topologyKey).values.length));
    const size = constraints.map(() => 0);
    const k = constraints.length;
    for (const n of feasible) {
      if (requireAll) {
        let all = true;
        for (let i = 0; i < k; i++) if (ids[i][n.idx] < 0) all = false;
        if (!all) {
          ignored.add(n.idx);
          continue;
        }
      }
      for (let i = 0; i < k; i++) {
        if (hostname[i]) continue;
        const id = ids[i][n.idx];
        if (id >= 0 && !present[i][id]) {
          present[i][id] = 1;
          size[i]++;
        }
      }
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === LabelHostname ? feasible.length - ignored.size : size[i]) + 2));
    const counters = constraints.map((c) => snap.spreadCounter(info.namespace, c.selector));
    const elig = eligibility(cs, 'soft', constraints, requireAll);
    const counts = constraints.map((c, i) => {
      if (c.topologyKey === LabelHostname) return new Float64Array(0);
      const out = new Float64Array(present[i].length);
      const d = snap.domains(c.topologyKey);
      const e = elig[i];
      const per = counters[i].perNode;
      for (const n of snap.nodes) {
        if (!e[n.idx]) continue;
        const id = d.ids[n.idx];
        if (!present[i][id]) continue;
        out[id] += per[n.idx];
      }
      return out;
    });
    const state: ScoreState = { constraints, ids, hostname, counters, counts, present, weights, ignored };
    cs.write(NAME + ':score', state);
    return true;
  },
  score(cs, node) {
    const s = cs.read<ScoreState>(NAME + ':score')!;
    if (s.ignored.has(node.idx)) return -1;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const id = s.ids[i][node.idx];
      if (id < 0) continue;
      const cnt = s.hostname[i] ? s.counters[i].perNode[node.idx] : s.counts[i][id];
      score += cnt * s.weights[i] + (s.constraints[i].maxSkew - 1);
    }
    return Math.round(score);
  },
  scoreAll(cs, nodes) {
    const s = cs.read<ScoreState>(NAME + ':score')!;
    const out = new Array<number>(nodes.length);
    const k = s.constraints.length;
    for (let j = 0; j < nodes.length; j++) {
      const idx = nodes[j].idx;
      if (s.ignored.size && s.ignored.has(idx)) {
        out[j] = -1;
        continue;
      }
      let score = 0;
      for (let i = 0; i < k; i++) {
        const id = s.ids[i][idx];
        if (id < 0) continue;
        const cnt = s.hostname[i] ? s.counters[i].perNode[idx] : s.counts[i][id];
        score += cnt * s.weights[i] + (s.constraints[i].maxSkew - 1);
      }
      out[j] = Math.round(score);
    }
    return out;
  },
  normalizeScore(_cs, scores) {
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (const s of scores) {
      if (s === -1) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] === -1) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
    }
  },
};
