/**
 * The simulated cluster: nodes, pods, workload controllers, volumes and the capacity model, driven
 * through the events of a drill (nodes lost, tainted, removed, returned) on a clock in seconds.
 *
 * Controllers (pkg/controller):
 * - ReplicaSet (and Deployment through it): keeps `replicas` active pods; a terminating pod is not
 *   active, so a pod evicted from an unreachable node is replaced at once;
 * - StatefulSet: one pod per ordinal, replaced only when the old pod object is gone (node removed,
 *   or tainted out-of-service); OrderedReady creates ordinal k+1 only when k is Running and Ready;
 * - taint manager: a pod on a node with the unreachable NoExecute taint is evicted after the
 *   smallest matching tolerationSeconds (never when a matching toleration has none);
 * - pod GC: pods on a deleted node are deleted.
 */
import { CapacityModel, FixedCapacity, NodeTemplate, templateLabels } from '../capacity';
import { cpuMillis, memoryBytes } from '../../quantity';
import { Labels } from '../model/selectors';
import { LabelHostname, NodeObject, Taint, TaintNodeOutOfService, TaintNodeUnreachable } from '../model/types';
import { CycleState, Framework } from '../scheduler/framework';
import { compilePod } from '../scheduler/pod-info';
import { defaultFramework } from '../scheduler/profile';
import { NodeInfo, SimPod, Snapshot } from '../scheduler/snapshot';
import { VolumeCatalog, ZONAL_PROVISIONERS } from '../scheduler/volumes';
import { DisruptionBudget, disruptionsAllowed, Workload } from './workloads';

export interface Timing {
  /** kube-controller-manager --node-monitor-grace-period (50 s since Kubernetes 1.32). */
  readonly nodeMonitorGracePeriodSeconds: number;
  /** Image pull, start and first successful readiness probe. */
  readonly podStartSeconds: number;
  /** Attach/detach controller's force detach of a volume still attached to an unreachable node. */
  readonly forceDetachSeconds: number;
  /** When the lost nodes' objects are deleted (node auto-repair, zonal shift cordon, an operator). */
  readonly nodeRemovalSeconds: number;
}

export const DEFAULT_TIMING: Timing = {
  nodeMonitorGracePeriodSeconds: 50,
  podStartSeconds: 30,
  forceDetachSeconds: 360,
  nodeRemovalSeconds: 1800,
};

export interface NodeSpecInput {
  readonly name: string;
  readonly labels: Labels;
  readonly taints: Taint[];
  readonly unschedulable: boolean;
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
  readonly group?: string;
}

export function nodeSpecFromObject(o: NodeObject, source: string): NodeSpecInput {
  const name = o.metadata?.name;
  if (!name) throw new Error(`${source}: a Node has no metadata.name`);
  const alloc = o.status?.allocatable ?? o.status?.capacity;
  if (!alloc || alloc.cpu === undefined || alloc.memory === undefined) {
    throw new Error(`${source}: Node ${name}: status.allocatable.cpu and status.allocatable.memory are required`);
  }
  const labels: Record<string, string> = { [LabelHostname]: name, ...(o.metadata?.labels ?? {}) };
  let cpu: number;
  let memory: number;
  try {
    cpu = cpuMillis(alloc.cpu);
    memory = memoryBytes(alloc.memory);
  } catch (e) {
    throw new Error(`${source}: Node ${name}: status.allocatable: ${(e as Error).message}`);
  }
  return {
    name,
    labels,
    taints: o.spec?.taints ?? [],
    unschedulable: !!o.spec?.unschedulable,
    cpu,
    memory,
    pods: alloc.pods !== undefined ? Number(alloc.pods) : 110,
    group: labels['eks.amazonaws.com/nodegroup'] ?? labels['karpenter.sh/nodepool'],
  };
}

export class Cluster {
  readonly snapshot: Snapshot;
  readonly framework: Framework;
  pods: SimPod[] = [];
  now = 0;
  readonly zonesDown = new Set<string>();
  readonly log: { t: number; msg: string }[] = [];
  private uid = 1;
  private seq = new Map<string, number>();
  readonly nodeSpecs = new Map<string, NodeSpecInput>();
  readonly addedNodes: string[] = [];

  constructor(
    readonly workloads: readonly Workload[],
    readonly pdbs: readonly DisruptionBudget[],
    volumes: VolumeCatalog,
    readonly capacity: CapacityModel = new FixedCapacity(),
    readonly timing: Timing = DEFAULT_TIMING,
    readonly region = '',
    framework?: Framework,
    snapshot?: Snapshot,
  ) {
    this.snapshot = snapshot ?? new Snapshot(volumes);
    this.framework = framework ?? defaultFramework();
  }

  get volumes(): VolumeCatalog {
    return this.snapshot.volumes;
  }

  addNode(spec: NodeSpecInput, readyAt = 0): NodeInfo {
    this.nodeSpecs.set(spec.name, spec);
    const n = this.snapshot.addNode((idx) => new NodeInfo(idx, spec.name, spec.labels, [...spec.taints], spec.unschedulable, spec.cpu, spec.memory, spec.pods, spec.group));
    n.readyAt = readyAt;
    return n;
  }

  /** A deep copy sharing only immutable parts (compiled specs, workloads). */
  clone(): Cluster {
    const podMap = new Map<SimPod, SimPod>();
    for (const p of this.pods) podMap.set(p, { ...p });
    const snapshot = this.snapshot.clone(this.volumes.clone(), (p) => podMap.get(p)!);
    const c = new Cluster(this.workloads, this.pdbs, this.volumes, this.capacity, this.timing, this.region, this.framework, snapshot);
    c.now = this.now;
    c.uid = this.uid;
    c.seq = new Map(this.seq);
    for (const z of this.zonesDown) c.zonesDown.add(z);
    for (const [k, v] of this.nodeSpecs) c.nodeSpecs.set(k, v);
    c.addedNodes.push(...this.addedNodes);
    c.pods = this.pods.map((p) => podMap.get(p)!);
    return c;
  }

  node(p: SimPod): NodeInfo | undefined {
    return p.nodeIdx >= 0 ? this.snapshot.nodeAt(p.nodeIdx) : undefined;
  }

  /** Running, Ready, on a node that is up, at time t. */
  isLive(p: SimPod, t = this.now): boolean {
    const n = this.node(p);
    return !!n && n.ready && !p.terminating && p.readyAt !== undefined && p.readyAt <= t;
  }

  pending(): SimPod[] {
    return this.pods.filter((p) => p.nodeIdx < 0 && !p.terminating);
  }

  podsOf(w: Workload): SimPod[] {
    return this.pods.filter((p) => p.workload === w.key);
  }

  note(msg: string): void {
    this.log.push({ t: this.now, msg });
  }

  // ---- controllers ----

  private newPod(w: Workload, name: string, labels: Labels, spec: typeof w.podSpec, claims: string[]): SimPod {
    const info = compilePod(spec, w.namespace, labels, w.kind === 'Pod' ? undefined : w.selector);
    const p: SimPod = { uid: this.uid++, name, namespace: w.namespace, labels, info, workload: w.key, claims, nodeIdx: -1, terminating: false, createdAt: this.now };
    this.pods.push(p);
    if (spec.nodeName) {
      const n = this.snapshot.node(spec.nodeName);
      if (n) this.bindPod(p, n);
    }
    return p;
  }

  private claimsOf(spec: typeof this.workloads[number]['podSpec']): string[] {
    return (spec.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim!.claimName);
  }

  /** Runs every controller once: creates the pods that are missing. */
  reconcile(): number {
    let created = 0;
    const byWorkload = new Map<string, SimPod[]>();
    for (const p of this.pods) {
      const list = byWorkload.get(p.workload);
      if (list) list.push(p);
      else byWorkload.set(p.workload, [p]);
    }
    for (const w of this.workloads) {
      const mine = byWorkload.get(w.key) ?? [];
      if (w.kind === 'Pod') {
        if (mine.length === 0 && !this.seq.has(w.key)) {
          this.seq.set(w.key, 1);
          this.newPod(w, w.name, w.podLabels, w.podSpec, this.claimsOf(w.podSpec));
          created++;
        }
        continue;
      }
      if (w.kind === 'StatefulSet') {
        for (let i = 0; i < w.replicas; i++) {
          const name = `${w.name}-${i}`;
          const existing = mine.find((p) => p.name === name);
          if (existing) {
            if (w.orderedReady && (existing.nodeIdx < 0 || existing.terminating || !this.node(existing)!.ready)) break;
            continue;
          }
          const claims = this.claimsOf(w.podSpec);
          const volumes = [...(w.podSpec.volumes ?? [])];
          for (const t of w.volumeClaimTemplates) {
            const claimName = `${t.metadata?.name}-${name}`;
            if (!this.volumes.claims.has(VolumeCatalog.claimKey(w.namespace, claimName))) {
              this.createClaim(w.namespace, { ...t, metadata: { ...t.metadata, name: claimName } });
            }
            claims.push(claimName);
            volumes.push({ name: t.metadata?.name ?? claimName, persistentVolumeClaim: { claimName } });
          }
          const labels = { ...w.podLabels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) };
          this.newPod(w, name, labels, { ...w.podSpec, volumes, hostname: name, subdomain: w.serviceName }, claims);
          created++;
          if (w.orderedReady) break;
        }
        continue;
      }
      const active = mine.filter((p) => !p.terminating).length;
      for (let i = active; i < w.replicas; i++) {
        const n = (this.seq.get(w.key) ?? 0) + 1;
        this.seq.set(w.key, n);
        const hash = shortHash(w.key);
        const name = w.kind === 'Deployment' ? `${w.name}-${hash}-${suffix(n)}` : `${w.name}-${suffix(n)}`;
        const labels = w.kind === 'Deployment' ? { ...w.podLabels, 'pod-template-hash': hash } : w.podLabels;
        this.newPod(w, name, labels, w.podSpec, this.claimsOf(w.podSpec));
        created++;
      }
    }
    return created;
  }

  createClaim(namespace: string, o: Parameters<VolumeCatalog['addClaim']>[1]): void {
    const claim = this.volumes.addClaim(namespace, o);
    if (claim.volumeName) return;
    const sc = claim.storageClassName ? this.volumes.classes.get(claim.storageClassName) : undefined;
    if (sc && sc.volumeBindingMode === 'Immediate' && sc.provisioner !== 'kubernetes.io/no-provisioner') {
      // Immediate binding provisions before any pod exists, in an allowed zone or one the driver picks.
      const zones = sc.allowedZones?.length ? sc.allowedZones : [...new Set(this.snapshot.nodes.map((n) => n.zone))].sort();
      const zone = ZONAL_PROVISIONERS.has(sc.provisioner) ? zones[shortHashNum(`${namespace}/${claim.name}`) % Math.max(1, zones.length)] : undefined;
      this.volumes.provision(claim, zone);
    }
  }

  private bindPod(p: SimPod, n: NodeInfo): void {
    this.snapshot.bind(p, n);
    p.scheduledAt = this.now;
    p.pendingReason = undefined;
    let delay = 0;
    for (const name of p.claims) {
      const claim = this.volumes.claims.get(VolumeCatalog.claimKey(p.namespace, name));
      if (!claim) continue;
      if (!claim.volumeName) {
        const sc = this.volumes.classes.get(claim.storageClassName ?? '');
        if (sc?.provisioner === 'kubernetes.io/no-provisioner') {
          const v = this.volumes.freeVolumes(sc.name).find((x) => !x.nodeAffinity || x.nodeAffinity(n.labels, n.name));
          if (v) {
            v.claim = VolumeCatalog.claimKey(p.namespace, name);
            claim.volumeName = v.name;
          }
        } else {
          this.volumes.provision(claim, n.zone);
        }
      }
      const v = this.volumes.volumes.get(claim.volumeName ?? '');
      const rwo = !claim.accessModes.some((m) => m === 'ReadWriteMany' || m === 'ReadOnlyMany');
      if (rwo && v?.nodeAffinity) {
        // A zonal RWO volume still attached to a node that is not reporting is force-detached
        // only after maxWaitForUnmountDuration.
        const stuck = this.pods.some((o) => o !== p && o.claims.includes(name) && o.namespace === p.namespace && o.nodeIdx >= 0 && o.nodeIdx !== n.idx && !this.node(o)!.ready);
        if (stuck) delay = Math.max(delay, this.timing.forceDetachSeconds);
      }
    }
    p.readyAt = Math.max(this.now, n.readyAt) + delay + this.timing.podStartSeconds;
  }

  /** Schedules every pending pod once, in creation order (the activeQ's FIFO within one priority). */
  private schedulePass(): number {
    let bound = 0;
    for (const p of this.pending()) {
      const r = this.framework.schedule(p, this.snapshot);
      if (r.node) {
        this.bindPod(p, r.node);
        bound++;
      } else {
        p.pendingReason = r.message;
      }
    }
    return bound;
  }

  private nodesPerGroup(): Map<string, number> {
    const m = new Map<string, number>();
    for (const n of this.snapshot.nodes) if (n.group) m.set(n.group, (m.get(n.group) ?? 0) + 1);
    return m;
  }

  /**
   * Cluster Autoscaler / Karpenter: add one node for a pending pod that would fit on it. Every
   * candidate is tried at once as a template node; of those the pod fits, the one the scheduler
   * scores best is kept (ties: the least-used group, as --balance-similar-node-groups), which is
   * also how Karpenter honours a ScheduleAnyway zone spread when it picks a zone.
   */
  private scaleUp(): boolean {
    if (this.capacity.kind === 'fixed') return false;
    const tried = new Set<number>();
    for (const p of this.pending()) {
      if (tried.has(p.info.id)) continue;
      tried.add(p.info.id);
      const candidates = this.capacity.candidates(this.nodesPerGroup(), (z) => !this.zonesDown.has(z));
      if (candidates.length === 0) return false;
      const temp = candidates.map((t, i) => this.addNode({ ...this.fromTemplate(t), name: `${this.fromTemplate(t).name}-candidate-${i}` }, this.now + this.capacity.nodeStartSeconds));
      const cs = new CycleState(p, this.snapshot);
      const fits = this.framework.runPreFilters(cs) ? [] : temp.filter((n) => !this.framework.runFilters(cs, n));
      let best = -1;
      if (fits.length > 0) {
        const scores = fits.length > 1 ? this.framework.prioritize(cs, fits) : [0];
        best = 0;
        for (let i = 1; i < fits.length; i++) if (scores[i] > scores[best]) best = i;
      }
      const keep = best >= 0 ? candidates[temp.indexOf(fits[best])] : undefined;
      for (const n of temp) this.snapshot.removeNode(n.name);
      if (keep) {
        const n = this.addNode(this.fromTemplate(keep), this.now + this.capacity.nodeStartSeconds);
        this.addedNodes.push(n.name);
        this.note(`${this.capacity.kind === 'karpenter' ? 'Karpenter' : 'Cluster Autoscaler'} adds ${n.name} in ${keep.zone} for ${p.namespace}/${p.name}`);
        return true;
      }
    }
    return false;
  }

  private fromTemplate(t: NodeTemplate): NodeSpecInput {
    const count = this.addedNodes.filter((n) => n.startsWith(`${t.group}-new-`)).length + 1;
    const name = `${t.group}-new-${count}`;
    return { name, labels: { ...t.labels, [LabelHostname]: name }, taints: [...t.taints], unschedulable: false, cpu: t.cpuMillis, memory: t.memoryBytes, pods: t.pods, group: t.group };
  }

  /** Controllers, scheduler and autoscaler until nothing changes. */
  settle(): void {
    for (let round = 0; round < 10000; round++) {
      const created = this.reconcile();
      const bound = this.schedulePass();
      if (created === 0 && bound === 0) {
        if (this.pending().length === 0 || !this.scaleUp()) return;
      }
    }
  }

  // ---- events ----

  /** The nodes stop reporting (their AZ or host is gone): pods on them are dead from now. */
  loseNodes(names: readonly string[]): void {
    for (const name of names) {
      const n = this.snapshot.node(name);
      if (n) n.ready = false;
    }
    this.note(`${names.length} node(s) stop reporting`);
  }

  /** Node lifecycle controller: NotReady (Unknown) nodes get the unreachable taints. */
  taintUnreachable(names: readonly string[]): void {
    for (const name of names) {
      const n = this.snapshot.node(name);
      if (!n) continue;
      n.taints = [...n.taints.filter((t) => t.key !== TaintNodeUnreachable), { key: TaintNodeUnreachable, effect: 'NoSchedule' }, { key: TaintNodeUnreachable, effect: 'NoExecute' }];
    }
    this.snapshot.touch();
    this.note(`node lifecycle controller taints ${names.length} node(s) ${TaintNodeUnreachable}:NoSchedule and :NoExecute`);
  }

  /** Seconds after the NoExecute taint until the taint manager evicts `p` (Infinity: never). */
  evictionDelay(p: SimPod): number {
    const taint = { key: TaintNodeUnreachable, effect: 'NoExecute' as const };
    const matching = p.info.tolerations.filter((t) => (!t.effect || t.effect === 'NoExecute') && (!t.key || t.key === taint.key) && (t.operator === 'Exists' || !t.key || (t.value ?? '') === ''));
    if (matching.length === 0) return 0;
    // The taint manager's getMinTolerationTime: the smallest tolerationSeconds among the
    // matching tolerations that set one; never evicted only when none does.
    const seconds = matching.map((t) => t.tolerationSeconds).filter((s): s is number => s !== undefined);
    return seconds.length === 0 ? Infinity : Math.max(0, Math.min(...seconds));
  }

  evict(pods: readonly SimPod[]): void {
    for (const p of pods) this.snapshot.markTerminating(p);
  }

  /** Deletes nodes; the pod GC deletes their pods (StatefulSets may then recreate them). */
  removeNodes(names: readonly string[]): void {
    const gone = new Set<SimPod>();
    for (const name of names) for (const p of this.snapshot.removeNode(name)) gone.add(p);
    this.pods = this.pods.filter((p) => !gone.has(p));
    this.note(`${names.length} node object(s) deleted; pods on them deleted`);
  }

  /** Taints nodes out-of-service: their pods are force-deleted (non-graceful node shutdown). */
  outOfService(names: readonly string[]): void {
    for (const name of names) {
      const n = this.snapshot.node(name);
      if (!n) continue;
      n.taints = [...n.taints, { key: TaintNodeOutOfService, value: 'nodeshutdown', effect: 'NoExecute' }];
      const gone = this.snapshot.removeNode(name);
      const set = new Set(gone);
      this.pods = this.pods.filter((p) => !set.has(p));
      this.addNode({ ...this.nodeSpecs.get(name)!, taints: n.taints }).ready = false;
    }
  }

  /** Nodes come back Ready (or new ones replace them), untainted. */
  restoreNodes(specs: readonly NodeSpecInput[]): void {
    for (const s of specs) {
      const existing = this.snapshot.node(s.name);
      if (existing) {
        const gone = this.snapshot.removeNode(s.name);
        const set = new Set(gone);
        this.pods = this.pods.filter((p) => !set.has(p));
      }
      this.addNode(s, this.now);
    }
    this.note(`${specs.length} node(s) Ready again`);
  }

  // ---- PDBs ----

  /** disruptionsAllowed of each PodDisruptionBudget (or of `only`). */
  pdbStatus(only?: ReadonlySet<DisruptionBudget>): { pdb: DisruptionBudget; expected: number; healthy: number; allowed: number }[] {
    const byNamespace = new Map<string, SimPod[]>();
    for (const p of this.pods) {
      const list = byNamespace.get(p.namespace);
      if (list) list.push(p);
      else byNamespace.set(p.namespace, [p]);
    }
    return this.pdbs.filter((pdb) => !only || only.has(pdb)).map((pdb) => {
      const pods = (byNamespace.get(pdb.namespace) ?? []).filter((p) => pdb.selector.matches(p.labels));
      const expected = this.workloads
        .filter((w) => w.namespace === pdb.namespace && pdb.selector.matches(w.podLabels))
        .reduce((s, w) => s + w.replicas, 0) || pods.length;
      const healthy = pods.filter((p) => this.isLive(p)).length;
      return { pdb, expected, healthy, allowed: disruptionsAllowed(pdb, expected, healthy) };
    });
  }
}

export function shortHashNum(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export function shortHash(s: string): string {
  let h = shortHashNum(s);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += ALPHABET[h % ALPHABET.length];
    h = Math.floor(h / ALPHABET.length) || shortHashNum(out);
  }
  return out;
}

/** A unique 5-character pod name suffix from a sequence number. */
function suffix(n: number): string {
  let out = '';
  let x = n + 27 ** 4;
  for (let i = 0; i < 5; i++) {
    out = ALPHABET[x % 27] + out;
    x = Math.floor(x / 27);
  }
  return out;
}

export { templateLabels };
