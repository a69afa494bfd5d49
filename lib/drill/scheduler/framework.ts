/**
 * A scheduling framework in kube-scheduler's shape (pkg/scheduler/framework and
 * pkg/scheduler/schedule_one.go): PreFilter, Filter, PreScore, Score, NormalizeScore, run by the
 * default profile's plugins with its weights. Differences from upstream are listed in
 * README.md ("What it does not model", in the drill's section).
 */
import { Snapshot, NodeInfo, SimPod } from './snapshot';

export const MAX_NODE_SCORE = 100;

/** PreFilter's framework.Skip: the plugin's Filter is not run in this cycle. */
export const SKIP = 'Skip' as const;

export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  readonly plugin: string;
}

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

/** Per-cycle data, as framework.CycleState. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter returned SKIP in this cycle. */
  readonly skipped = new Set<Plugin>();
  constructor(
    readonly pod: SimPod,
    readonly snapshot: Snapshot,
  ) {}
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  /**
   * Data that depends only on the pod's compiled spec and the nodes (not on other pods), kept across
   * cycles until the snapshot's epoch changes.
   */
  podStatic<T>(key: string, make: () => T): T {
    const info = this.pod.info;
    const epoch = this.snapshot.epoch;
    if (!info.cache || info.cache.epoch !== epoch) info.cache = { epoch, status: [] };
    if (!info.cache.data) info.cache.data = new Map();
    let v = info.cache.data.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      info.cache.data.set(key, v);
    }
    return v;
  }
}

export interface Plugin {
  readonly name: string;
  /**
   * The filter depends only on the pod's spec and the node (labels, taints, name), never on other
   * pods: its result is cached per compiled pod spec until the node set changes.
   */
  readonly staticFilter?: boolean;
  /** A failure Status, undefined to go on, or SKIP when Filter has nothing to check (framework.Skip). */
  preFilter?(cs: CycleState): Status | undefined | typeof SKIP;
  filter?(cs: CycleState, node: NodeInfo): Status | undefined;
  /** Returns false to skip scoring (framework.Skip). */
  preScore?(cs: CycleState, feasible: readonly NodeInfo[]): boolean;
  score?(cs: CycleState, node: NodeInfo): number;
  /** Score for every feasible node at once (same result as score(), without per-node lookups). */
  scoreAll?(cs: CycleState, nodes: readonly NodeInfo[]): number[];
  normalizeScore?(cs: CycleState, scores: number[], nodes: readonly NodeInfo[]): void;
}

export interface WeightedPlugin {
  readonly plugin: Plugin;
  readonly weight: number;
}

/** framework.DefaultNormalizeScore. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) for (let i = 0; i < scores.length; i++) scores[i] = maxPriority;
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((maxPriority * scores[i]) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}

export interface ScheduleResult {
  readonly node?: NodeInfo;
  /** Filter failures of the nodes that were evaluated and failed (explain() names them per node). */
  readonly failures: Status[];
  /** kube-scheduler FitError text, e.g. `0/6 nodes are available: 3 node(s) ...`. */
  readonly message?: string;
  readonly feasible: number;
  readonly evaluated: number;
}

/** FitError.Error(): reasons counted over nodes, sorted as strings. */
export function fitErrorMessage(numAllNodes: number, failures: Iterable<Status>, preFilterMessage?: string): string {
  if (preFilterMessage) return `0/${numAllNodes} nodes are available: ${preFilterMessage}.`;
  const counts = new Map<string, number>();
  for (const s of failures) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${numAllNodes} nodes are available: ${parts.join(', ')}.`;
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** schedule_one.go numFeasibleNodesToFind with the adaptive default percentage. */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage <= 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export interface FrameworkOptions {
  /** As KubeSchedulerConfiguration.percentageOfNodesToScore; 0 is the adaptive default, 100 scores every node. */
  readonly percentageOfNodesToScore?: number;
}

export class Framework {
  private readonly filters: Plugin[];
  private readonly staticFilters: Plugin[];
  private readonly dynamicFilters: Plugin[];
  private readonly preFilters: Plugin[];
  private readonly scorers: WeightedPlugin[];

  constructor(
    readonly plugins: readonly WeightedPlugin[],
    readonly options: FrameworkOptions = {},
  ) {
    this.filters = plugins.map((p) => p.plugin).filter((p) => p.filter);
    this.staticFilters = this.filters.filter((p) => p.staticFilter);
    this.dynamicFilters = this.filters.filter((p) => !p.staticFilter);
    this.preFilters = plugins.map((p) => p.plugin).filter((p) => p.preFilter);
    this.scorers = plugins.filter((p) => p.plugin.score && p.weight > 0);
  }

  /** Static filters first, in profile order; their result is cached per compiled pod and epoch. */
  private staticStatus(cs: CycleState, node: NodeInfo): Status | null {
    const info = cs.pod.info;
    const epoch = cs.snapshot.epoch;
    if (!info.cache || info.cache.epoch !== epoch) info.cache = { epoch, status: [] };
    const cached = info.cache.status[node.idx] as Status | null | undefined;
    if (cached !== undefined) return cached;
    let result: Status | null = null;
    for (const p of this.staticFilters) {
      const s = p.filter!(cs, node);
      if (s) {
        result = s;
        break;
      }
    }
    info.cache.status[node.idx] = result;
    return result;
  }

  runPreFilters(cs: CycleState): Status | undefined {
    for (const p of this.preFilters) {
      const s = p.preFilter!(cs);
      if (s === SKIP) cs.skipped.add(p);
      else if (s) return s;
    }
    return undefined;
  }

  private activeFilters(cs: CycleState): Plugin[] {
    let active = cs.read<Plugin[]>('framework:filters');
    if (!active) {
      active = this.dynamicFilters.filter((p) => !cs.skipped.has(p));
      cs.write('framework:filters', active);
    }
    return active;
  }

  /** Runs every Filter plugin on one node (after PreFilter), stopping at the first failure. */
  runFilters(cs: CycleState, node: NodeInfo): Status | undefined {
    const s = this.staticStatus(cs, node);
    if (s) return s;
    const active = this.activeFilters(cs);
    for (let i = 0; i < active.length; i++) {
      const r = active[i].filter!(cs, node);
      if (r) return r;
    }
    return undefined;
  }

  /** Filters every node (no sampling): for `explain`. */
  filterAll(pod: SimPod, snapshot: Snapshot): { feasible: NodeInfo[]; failures: Map<string, Status>; preFilter?: Status } {
    const cs = new CycleState(pod, snapshot);
    const pre = this.runPreFilters(cs);
    const failures = new Map<string, Status>();
    if (pre) {
      for (const n of snapshot.nodes) failures.set(n.name, pre);
      return { feasible: [], failures, preFilter: pre };
    }
    const feasible: NodeInfo[] = [];
    for (const n of snapshot.nodes) {
      const s = this.runFilters(cs, n);
      if (s) failures.set(n.name, s);
      else feasible.push(n);
    }
    return { feasible, failures };
  }

  /** One scheduling cycle: schedulePod in schedule_one.go, without binding. */
  schedule(pod: SimPod, snapshot: Snapshot): ScheduleResult {
    const nodes = snapshot.nodes;
    const all = nodes.length;
    const failures: Status[] = [];
    if (all === 0) return { failures, message: 'no nodes available to schedule pods', feasible: 0, evaluated: 0 };
    const cs = new CycleState(pod, snapshot);
    const pre = this.runPreFilters(cs);
    if (pre) {
      return { failures, message: fitErrorMessage(all, [], pre.reasons.join(', ')), feasible: 0, evaluated: 0 };
    }
    const toFind = numFeasibleNodesToFind(all, this.options.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    let processed = 0;
    const start = snapshot.nextStartNodeIndex % all;
    const active = this.activeFilters(cs);
    for (let k = 0; k < all && feasible.length < toFind; k++) {
      const n = nodes[(start + k) % all];
      processed++;
      let s: Status | undefined | null = this.staticStatus(cs, n);
      if (!s) for (let i = 0; i < active.length && !s; i++) s = active[i].filter!(cs, n);
      if (s) failures.push(s);
      else feasible.push(n);
    }
    snapshot.nextStartNodeIndex = (start + processed) % all;
    if (feasible.length === 0) {
      return { failures, message: fitErrorMessage(all, failures), feasible: 0, evaluated: processed };
    }
    if (feasible.length === 1) return { node: feasible[0], failures, feasible: 1, evaluated: processed };
    const total = this.prioritize(cs, feasible);
    let best = 0;
    for (let i = 1; i < feasible.length; i++) {
      if (total[i] > total[best] || (total[i] === total[best] && feasible[i].name < feasible[best].name)) best = i;
    }
    return { node: feasible[best], failures, feasible: feasible.length, evaluated: processed };
  }

  /** prioritizeNodes: weighted sum of normalized plugin scores. */
  prioritize(cs: CycleState, feasible: readonly NodeInfo[]): number[] {
    const total = new Array<number>(feasible.length).fill(0);
    for (const { plugin, weight } of this.scorers) {
      if (plugin.preScore && !plugin.preScore(cs, feasible)) continue;
      let scores: number[];
      if (plugin.scoreAll) scores = plugin.scoreAll(cs, feasible);
      else {
        scores = new Array<number>(feasible.length);
        for (let i = 0; i < feasible.length; i++) scores[i] = plugin.score!(cs, feasible[i]);
      }
      plugin.normalizeScore?.(cs, scores, feasible);
      for (let i = 0; i < feasible.length; i++) total[i] += scores[i] * weight;
    }
    return total;
  }
}
