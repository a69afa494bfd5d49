/**
 * The scheduler's view of the cluster (kube-scheduler's Snapshot of NodeInfos), plus the
 * incremental counters that stand in for the per-cycle PreFilter state: per-node counts of pods
 * matching a selector, and per-node counts of existing pods holding an affinity term. Counters are
 * created on first use and kept up to date as pods are bound, marked terminating and removed, so
 * a scheduling cycle costs O(nodes x constraints), not O(pods).
 */
import { Labels, Selector } from '../model/selectors';
import { Taint } from '../model/types';
import { CompiledPod, CompiledTerm } from './pod-info';
import { VolumeCatalog } from './volumes';

export interface SimPod {
  readonly uid: number;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly info: CompiledPod;
  /** Workload key, e.g. `Deployment/victoriametrics/vminsert`; `Pod/<ns>/<name>` for bare pods. */
  readonly workload: string;
  /** PersistentVolumeClaim names the pod mounts. */
  readonly claims: readonly string[];
  nodeIdx: number;
  terminating: boolean;
  createdAt: number;
  scheduledAt?: number;
  /** When the pod is Running and Ready (modeled). */
  readyAt?: number;
  /** Last scheduling failure, kubectl-describe style. */
  pendingReason?: string;
}

export class NodeInfo {
  reqCpu = 0;
  reqMem = 0;
  nzCpu = 0;
  nzMem = 0;
  readonly pods: SimPod[] = [];
  /** False once the node stops reporting (lost AZ or node). */
  ready = true;
  /** When a node added by the autoscaler is Ready. */
  readyAt = 0;
  constructor(
    readonly idx: number,
    readonly name: string,
    readonly labels: Labels,
    public taints: Taint[],
    public unschedulable: boolean,
    readonly allocCpu: number,
    readonly allocMem: number,
    readonly allocPods: number,
    /** Node group or NodePool that owns the node, if known. */
    readonly group?: string,
  ) {}

  get zone(): string {
    return this.labels['topology.kubernetes.io/zone'] ?? '';
  }
}

export class PodCounter {
  /** Matching pods per node index. */
  readonly perNode: number[] = [];
  constructor(
    readonly match: (p: SimPod) => boolean,
    readonly includeTerminating: boolean,
  ) {}
  matches(p: SimPod): boolean {
    if (!this.includeTerminating && p.terminating) return false;
    return this.match(p);
  }
}

export type HeldKind = 'requiredAffinity' | 'requiredAntiAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';

/** Existing pods on each node that hold one affinity term (with one weight). */
export class HeldTerm {
  readonly perNode: number[] = [];
  total = 0;
  constructor(
    readonly kind: HeldKind,
    readonly term: CompiledTerm,
    readonly weight: number,
  ) {}
}

export interface Domains {
  /** Domain id per node index; -1 when the node lacks the key. */
  readonly ids: Int32Array;
  readonly values: string[];
}

/** Epochs are unique across snapshots: compiled pod specs (and their caches) are shared by clones. */
let lastEpoch = 0;

export class Snapshot {
  constructor(readonly volumes: VolumeCatalog = new VolumeCatalog()) {}
  /** Every node ever added, by index; removed nodes are undefined. */
  private readonly byIdx: (NodeInfo | undefined)[] = [];
  private readonly byName = new Map<string, NodeInfo>();
  /** Nodes in kube-scheduler's NodeTree order: zones round-robin, insertion order inside a zone. */
  private ordered: NodeInfo[] = [];
  private zones: string[] = [];
  private zoneNodes = new Map<string, NodeInfo[]>();
  /** Changes whenever a node is added or removed or its labels/taints change. */
  epoch = ++lastEpoch;
  private readonly counters = new Map<string, PodCounter>();
  private readonly countersByAnchor = new Map<string, PodCounter[]>();
  private readonly countersNoAnchor: PodCounter[] = [];
  private readonly held = new Map<string, HeldTerm>();
  private readonly heldByKind: Record<HeldKind, HeldTerm[]> = { requiredAffinity: [], requiredAntiAffinity: [], preferredAffinity: [], preferredAntiAffinity: [] };
  private domainCache = new Map<string, Domains>();
  private domainEpoch = -1;
  /** kube-scheduler's nextStartNodeIndex (round robin over the node list). */
  nextStartNodeIndex = 0;
  /** Pods with any pod (anti-)affinity term, bound to a node. */
  podsWithAffinity = 0;

  /**
   * A copy with the same node indexes and counters (so a scenario starts from the steady state
   * without recounting), pods mapped through `mapPod`.
   */
  clone(volumes: VolumeCatalog, mapPod: (p: SimPod) => SimPod): Snapshot {
    const c = new Snapshot(volumes);
    const nodeMap = new Map<NodeInfo, NodeInfo>();
    for (const n of this.byIdx) {
      if (!n) {
        c.byIdx.push(undefined);
        continue;
      }
      const m = new NodeInfo(n.idx, n.name, n.labels, [...n.taints], n.unschedulable, n.allocCpu, n.allocMem, n.allocPods, n.group);
      m.reqCpu = n.reqCpu;
      m.reqMem = n.reqMem;
      m.nzCpu = n.nzCpu;
      m.nzMem = n.nzMem;
      m.ready = n.ready;
      m.readyAt = n.readyAt;
      for (const p of n.pods) m.pods.push(mapPod(p));
      nodeMap.set(n, m);
      c.byIdx.push(m);
      c.byName.set(m.name, m);
    }
    c.zones = [...this.zones];
    for (const [z, list] of this.zoneNodes) c.zoneNodes.set(z, list.map((n) => nodeMap.get(n)!));
    c.ordered = this.ordered.map((n) => nodeMap.get(n)!);
    const counterMap = new Map<PodCounter, PodCounter>();
    for (const [k, old] of this.counters) {
      const n = new PodCounter(old.match, old.includeTerminating);
      n.perNode.push(...old.perNode);
      counterMap.set(old, n);
      c.counters.set(k, n);
    }
    for (const [a, list] of this.countersByAnchor) c.countersByAnchor.set(a, list.map((x) => counterMap.get(x)!));
    for (const x of this.countersNoAnchor) c.countersNoAnchor.push(counterMap.get(x)!);
    for (const [sel, m] of this.bySelector) c.bySelector.set(sel, new Map([...m].map(([ns, x]) => [ns, counterMap.get(x)!])));
    for (const [t, x] of this.byTerm) c.byTerm.set(t, counterMap.get(x)!);
    for (const [k, old] of this.held) {
      const h = new HeldTerm(old.kind, old.term, old.weight);
      h.perNode.push(...old.perNode);
      h.total = old.total;
      c.held.set(k, h);
      c.heldByKind[h.kind].push(h);
    }
    c.nextStartNodeIndex = this.nextStartNodeIndex;
    c.podsWithAffinity = this.podsWithAffinity;
    return c;
  }

  get nodes(): readonly NodeInfo[] {
    return this.ordered;
  }

  get indexBound(): number {
    return this.byIdx.length;
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  nodeAt(idx: number): NodeInfo | undefined {
    return this.byIdx[idx];
  }

  addNode(make: (idx: number) => NodeInfo): NodeInfo {
    const n = make(this.byIdx.length);
    if (this.byName.has(n.name)) throw new Error(`node ${n.name} is listed twice`);
    this.byIdx.push(n);
    this.byName.set(n.name, n);
    for (const c of this.counters.values()) c.perNode.push(0);
    for (const h of this.held.values()) h.perNode.push(0);
    const zone = n.zone;
    if (!this.zoneNodes.has(zone)) {
      this.zoneNodes.set(zone, []);
      this.zones.push(zone);
    }
    this.zoneNodes.get(zone)!.push(n);
    this.reorder();
    return n;
  }

  /** Removes a node and every pod bound to it (the pod garbage collector deletes them). */
  removeNode(name: string): SimPod[] {
    const n = this.byName.get(name);
    if (!n) return [];
    const pods = [...n.pods];
    for (const p of pods) this.unbind(p);
    this.byIdx[n.idx] = undefined;
    this.byName.delete(name);
    const list = this.zoneNodes.get(n.zone)!;
    list.splice(list.indexOf(n), 1);
    if (list.length === 0) {
      this.zoneNodes.delete(n.zone);
      this.zones.splice(this.zones.indexOf(n.zone), 1);
    }
    this.reorder();
    return pods;
  }

  /** Call after changing a node's taints or unschedulable flag. */
  touch(): void {
    this.epoch = ++lastEpoch;
  }

  private reorder(): void {
    // NodeTree.list(): one node from each zone in turn.
    const out: NodeInfo[] = [];
    const lists = this.zones.map((z) => this.zoneNodes.get(z)!);
    const max = Math.max(0, ...lists.map((l) => l.length));
    for (let i = 0; i < max; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
    this.ordered = out;
    this.epoch = ++lastEpoch;
  }

  domains(key: string): Domains {
    if (this.domainEpoch !== this.epoch) {
      this.domainCache = new Map();
      this.domainEpoch = this.epoch;
    }
    let d = this.domainCache.get(key);
    if (!d) {
      const ids = new Int32Array(this.byIdx.length).fill(-1);
      const values: string[] = [];
      const index = new Map<string, number>();
      for (const n of this.ordered) {
        const v = n.labels[key];
        if (v === undefined) continue;
        let id = index.get(v);
        if (id === undefined) {
          id = values.length;
          values.push(v);
          index.set(v, id);
        }
        ids[n.idx] = id;
      }
      d = { ids, values };
      this.domainCache.set(key, d);
    }
    return d;
  }

  // ---- pods ----

  bind(p: SimPod, node: NodeInfo): void {
    if (p.nodeIdx >= 0) throw new Error(`pod ${p.namespace}/${p.name} is already bound`);
    p.nodeIdx = node.idx;
    node.pods.push(p);
    node.reqCpu += p.info.cpu;
    node.reqMem += p.info.memory;
    node.nzCpu += p.info.nonZeroCpu;
    node.nzMem += p.info.nonZeroMemory;
    this.count(p, node.idx, 1, true);
    this.holdTerms(p, node.idx, 1);
  }

  unbind(p: SimPod): void {
    const node = this.byIdx[p.nodeIdx];
    if (!node) return;
    node.pods.splice(node.pods.indexOf(p), 1);
    node.reqCpu -= p.info.cpu;
    node.reqMem -= p.info.memory;
    node.nzCpu -= p.info.nonZeroCpu;
    node.nzMem -= p.info.nonZeroMemory;
    this.count(p, node.idx, -1, true);
    this.holdTerms(p, node.idx, -1);
    p.nodeIdx = -1;
  }

  /** A pod gets a deletionTimestamp: spread stops counting it; it keeps its node's resources. */
  markTerminating(p: SimPod): void {
    if (p.terminating) return;
    if (p.nodeIdx >= 0) this.count(p, p.nodeIdx, -1, false);
    p.terminating = true;
  }

  private count(p: SimPod, idx: number, delta: number, all: boolean): void {
    const visit = (c: PodCounter) => {
      if (!all && c.includeTerminating) return;
      if (!c.includeTerminating && p.terminating) return;
      if (c.match(p)) c.perNode[idx] += delta;
    };
    for (const k in p.labels) {
      const list = this.countersByAnchor.get(`${k}=${p.labels[k]}`);
      if (list) for (const c of list) visit(c);
    }
    for (const c of this.countersNoAnchor) visit(c);
  }

  private holdTerms(p: SimPod, idx: number, delta: number): void {
    const i = p.info;
    if (!i.hasPodAffinityTerms) return;
    this.podsWithAffinity += delta;
    const add = (kind: HeldKind, term: CompiledTerm, weight: number) => {
      const key = `${kind}|${weight}|${term.key}`;
      let h = this.held.get(key);
      if (!h) {
        h = new HeldTerm(kind, term, weight);
        for (let j = 0; j < this.byIdx.length; j++) h.perNode.push(0);
        this.held.set(key, h);
        this.heldByKind[kind].push(h);
      }
      h.perNode[idx] += delta;
      h.total += delta;
    };
    for (const t of i.affinity) add('requiredAffinity', t, 1);
    for (const t of i.antiAffinity) add('requiredAntiAffinity', t, 1);
    for (const w of i.preferredAffinity) add('preferredAffinity', w.term, w.weight);
    for (const w of i.preferredAntiAffinity) add('preferredAntiAffinity', w.term, w.weight);
  }

  heldTerms(kind: HeldKind): readonly HeldTerm[] {
    return this.heldByKind[kind];
  }

  private readonly bySelector = new Map<Selector, Map<string, PodCounter>>();
  private readonly byTerm = new Map<CompiledTerm, PodCounter>();

  /** counter() for one namespace, cached by selector object (the hot path of PodTopologySpread). */
  spreadCounter(namespace: string, selector: Selector): PodCounter {
    let m = this.bySelector.get(selector);
    if (!m) this.bySelector.set(selector, (m = new Map()));
    let c = m.get(namespace);
    if (!c) m.set(namespace, (c = this.counter(new Set([namespace]), selector, false)));
    return c;
  }

  /** counter() for a pod affinity term (terminating pods included, as upstream). */
  termCounter(term: CompiledTerm): PodCounter {
    let c = this.byTerm.get(term);
    if (!c) this.byTerm.set(term, (c = this.counter(term.namespaces, term.selector, true)));
    return c;
  }

  /** Per-node count of bound pods in `namespaces` matching `selector`. */
  counter(namespaces: ReadonlySet<string> | null, selector: Selector, includeTerminating: boolean): PodCounter {
    const key = `${namespaces === null ? '*' : [...namespaces].sort().join(',')}|${selector.key}`;
    return this.counterFor(key, selector.anchor, includeTerminating, (p) => (namespaces === null || namespaces.has(p.namespace)) && selector.matches(p.labels));
  }

  /** Per-node count of bound pods satisfying `match`; `key` identifies the predicate, `anchor` a label every match carries. */
  counterFor(key: string, anchor: string | undefined, includeTerminating: boolean, match: (p: SimPod) => boolean): PodCounter {
    const fullKey = `${key}|${includeTerminating}`;
    let c = this.counters.get(fullKey);
    if (!c) {
      c = new PodCounter(match, includeTerminating);
      for (let j = 0; j < this.byIdx.length; j++) c.perNode.push(0);
      for (const n of this.ordered) for (const p of n.pods) if (c.matches(p)) c.perNode[n.idx]++;
      this.counters.set(fullKey, c);
      if (anchor) {
        const list = this.countersByAnchor.get(anchor) ?? [];
        list.push(c);
        this.countersByAnchor.set(anchor, list);
      } else {
        this.countersNoAnchor.push(c);
      }
    }
    return c;
  }
}
