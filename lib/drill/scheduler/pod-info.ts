/**
 * A pod as the scheduler sees it, with its spec compiled once per (template, labels): selectors,
 * terms, requests. Pods of one Deployment share the compiled form, which is what keeps a
 * 10,000-pod drill fast.
 */
import { cpuMillis, memoryBytes } from '../../quantity';
import { compileNodeSelectorTerm, compileSelector, Labels, Selector } from '../model/selectors';
import { Container, PodAffinityTerm, PodSpec, Toleration, TopologySpreadConstraint } from '../model/types';

/** A pod affinity term with its namespaces resolved against the pod that owns it. */
export interface CompiledTerm {
  readonly key: string;
  readonly selector: Selector;
  /** null: every namespace (`namespaceSelector: {}`). */
  readonly namespaces: ReadonlySet<string> | null;
  readonly topologyKey: string;
}

export interface CompiledConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
  readonly hard: boolean;
}

export interface CompiledPod {
  readonly id: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodSpec;
  readonly nodeName?: string;
  /** nodeSelector AND required node affinity (nodeaffinity.GetRequiredNodeAffinity). */
  readonly requiredNodeAffinity: (labels: Labels, nodeName: string) => boolean;
  readonly hasRequiredNodeAffinity: boolean;
  readonly preferredNodeTerms: readonly { weight: number; match: (labels: Labels, nodeName: string) => boolean }[];
  readonly tolerations: readonly Toleration[];
  /** Requests as the scheduler counts them for Fit (cpu millicores, memory bytes). */
  readonly cpu: number;
  readonly memory: number;
  /** Requests with the scheduler's non-zero defaults (100m, 200Mi) for LeastAllocated scoring. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  readonly spreadConstraints: readonly CompiledConstraint[];
  /** True when the constraints are the system defaults (the pod declares none). */
  readonly spreadSystemDefaulted: boolean;
  readonly affinity: readonly CompiledTerm[];
  readonly antiAffinity: readonly CompiledTerm[];
  readonly preferredAffinity: readonly { weight: number; term: CompiledTerm }[];
  readonly preferredAntiAffinity: readonly { weight: number; term: CompiledTerm }[];
  readonly hasPodAffinityTerms: boolean;
  /** Per-epoch cache of the static filters' result per node index (see framework.ts). */
  cache?: { epoch: number; status: (unknown | null | undefined)[]; data?: Map<string, unknown> };
}

/** The default spread of pods with no constraints: defaultConstraints of the PodTopologySpread plugin. */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { maxSkew: 3, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
];

const DEFAULT_MILLI_CPU_REQUEST = 100; // pkg/scheduler/util/pod_resources.go
const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(c: Container): { cpu: number; memory: number; cpuSet: boolean; memSet: boolean } {
  // API defaulting: a limit with no request makes the request equal to the limit.
  const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  return { cpu: cpuMillis(req.cpu), memory: memoryBytes(req.memory), cpuSet: req.cpu !== undefined, memSet: req.memory !== undefined };
}

/** resourcehelper.PodRequests: sum of containers, at least the largest init container, plus overhead. */
export function podRequests(spec: PodSpec): { cpu: number; memory: number; nonZeroCpu: number; nonZeroMemory: number } {
  let cpu = 0;
  let memory = 0;
  let nzCpu = 0;
  let nzMem = 0;
  for (const c of spec.containers ?? []) {
    const r = containerRequests(c);
    cpu += r.cpu;
    memory += r.memory;
    nzCpu += r.cpuSet ? r.cpu : DEFAULT_MILLI_CPU_REQUEST;
    nzMem += r.memSet ? r.memory : DEFAULT_MEMORY_REQUEST;
  }
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c);
    cpu = Math.max(cpu, r.cpu);
    memory = Math.max(memory, r.memory);
    nzCpu = Math.max(nzCpu, r.cpuSet ? r.cpu : DEFAULT_MILLI_CPU_REQUEST);
    nzMem = Math.max(nzMem, r.memSet ? r.memory : DEFAULT_MEMORY_REQUEST);
  }
  if (spec.overhead) {
    cpu += cpuMillis(spec.overhead.cpu);
    memory += memoryBytes(spec.overhead.memory);
    nzCpu += cpuMillis(spec.overhead.cpu);
    nzMem += memoryBytes(spec.overhead.memory);
  }
  return { cpu, memory, nonZeroCpu: nzCpu, nonZeroMemory: nzMem };
}

/** GetNamespacesFromPodAffinityTerm plus namespaceSelector: `{}` is every namespace. */
export function compileTerm(t: PodAffinityTerm, ownerNamespace: string, ownerLabels: Labels): CompiledTerm {
  const extra: { key: string; op: 'In' | 'NotIn'; value: string }[] = [];
  for (const k of t.matchLabelKeys ?? []) if (ownerLabels[k] !== undefined) extra.push({ key: k, op: 'In', value: ownerLabels[k] });
  for (const k of t.mismatchLabelKeys ?? []) if (ownerLabels[k] !== undefined) extra.push({ key: k, op: 'NotIn', value: ownerLabels[k] });
  const selector = compileSelector(t.labelSelector, extra.length ? extra : undefined);
  let namespaces: Set<string> | null = new Set(t.namespaces ?? []);
  if (t.namespaceSelector) {
    const nsSel = compileSelector(t.namespaceSelector);
    if (nsSel.empty) namespaces = null;
    // Namespaces are not modelled as objects: a non-empty namespaceSelector matches the
    // namespaces it names through kubernetes.io/metadata.name.
    else for (const v of (t.namespaceSelector.matchExpressions ?? []).filter((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'In').flatMap((e) => e.values ?? [])) namespaces.add(v);
  } else if (namespaces.size === 0) {
    namespaces.add(ownerNamespace);
  }
  const nsKey = namespaces === null ? '*' : [...namespaces].sort().join(',');
  return { key: `${nsKey}|${selector.key}|${t.topologyKey}`, selector, namespaces, topologyKey: t.topologyKey };
}

export function termMatchesPod(term: CompiledTerm, namespace: string, labels: Labels): boolean {
  return (term.namespaces === null || term.namespaces.has(namespace)) && term.selector.matches(labels);
}

let nextId = 1;
const cache = new WeakMap<PodSpec, Map<string, CompiledPod>>();

/**
 * Compiles a pod spec. `defaultSelector` is the selector of the pod's controller (ReplicaSet,
 * StatefulSet), used for the system default spread as helper.DefaultSelector does.
 */
export function compilePod(spec: PodSpec, namespace: string, labels: Labels, defaultSelector?: Selector): CompiledPod {
  const labelsKey = `${namespace}|${defaultSelector?.key ?? ''}|${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
  let bySpec = cache.get(spec);
  if (!bySpec) cache.set(spec, (bySpec = new Map()));
  const hit = bySpec.get(labelsKey);
  if (hit) return hit;

  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const compiledTerms = terms ? terms.map(compileNodeSelectorTerm) : undefined;
  const nodeSelector = Object.entries(spec.nodeSelector ?? {});
  const requiredNodeAffinity = (l: Labels, n: string) => {
    for (const [k, v] of nodeSelector) if (l[k] !== String(v)) return false;
    if (compiledTerms && !compiledTerms.some((f) => f(l, n))) return false;
    return true;
  };
  const preferredNodeTerms = (spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    .filter((p) => (p.preference.matchExpressions?.length ?? 0) + (p.preference.matchFields?.length ?? 0) > 0)
    .map((p) => ({ weight: p.weight, match: compileNodeSelectorTerm(p.preference) }));

  const declared = spec.topologySpreadConstraints ?? [];
  const systemDefaulted = declared.length === 0;
  const source = systemDefaulted ? (defaultSelector && !defaultSelector.empty ? SYSTEM_DEFAULT_CONSTRAINTS : []) : declared;
  const spreadConstraints: CompiledConstraint[] = source.map((c) => {
    const extra = (c.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k) => ({ key: k, op: 'In' as const, value: labels[k] }));
    return {
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: systemDefaulted ? defaultSelector! : compileSelector(c.labelSelector, extra.length ? extra : undefined),
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
      hard: c.whenUnsatisfiable === 'DoNotSchedule',
    };
  });

  const pa = spec.affinity?.podAffinity;
  const paa = spec.affinity?.podAntiAffinity;
  const ct = (t: PodAffinityTerm) => compileTerm(t, namespace, labels);
  const req = podRequests(spec);
  const compiled: CompiledPod = {
    id: nextId++,
    namespace,
    labels,
    spec,
    nodeName: spec.nodeName,
    requiredNodeAffinity,
    hasRequiredNodeAffinity: nodeSelector.length > 0 || !!compiledTerms,
    preferredNodeTerms,
    tolerations: spec.tolerations ?? [],
    cpu: req.cpu,
    memory: req.memory,
    nonZeroCpu: req.nonZeroCpu,
    nonZeroMemory: req.nonZeroMemory,
    spreadConstraints,
    spreadSystemDefaulted: systemDefaulted,
    affinity: (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(ct),
    antiAffinity: (paa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(ct),
    preferredAffinity: (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ weight: w.weight, term: ct(w.podAffinityTerm) })),
    preferredAntiAffinity: (paa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ weight: w.weight, term: ct(w.podAffinityTerm) })),
    hasPodAffinityTerms: !!(pa || paa),
  };
  bySpec.set(labelsKey, compiled);
  return compiled;
}
