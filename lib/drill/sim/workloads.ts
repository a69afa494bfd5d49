/**
 * Workload objects as the controllers see them: Deployments (with their ReplicaSet collapsed into
 * them), ReplicaSets, StatefulSets, bare Pods, and PodDisruptionBudgets.
 */
import { compileSelector, Selector } from '../model/selectors';
import { K8sObject, PodSpec, Toleration, TaintNodeNotReady, TaintNodeUnreachable } from '../model/types';
import { toleratesTaint } from '../model/selectors';

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'Pod';

export interface Workload {
  readonly key: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly selector: Selector;
  readonly podLabels: Record<string, string>;
  /** The pod template's spec, with the DefaultTolerationSeconds admission tolerations added. */
  readonly podSpec: PodSpec;
  readonly volumeClaimTemplates: K8sObject[];
  readonly orderedReady: boolean;
  /** StatefulSet spec.serviceName. */
  readonly serviceName?: string;
  readonly source: K8sObject;
}

export interface DisruptionBudget {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Selector;
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/** The DefaultTolerationSeconds admission plugin: 300 s for not-ready and unreachable unless set. */
export function withDefaultTolerations(spec: PodSpec): PodSpec {
  const tolerations: Toleration[] = [...(spec.tolerations ?? [])];
  for (const key of [TaintNodeNotReady, TaintNodeUnreachable]) {
    const taint = { key, effect: 'NoExecute' as const };
    if (!tolerations.some((t) => toleratesTaint(t, taint))) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  return { ...spec, tolerations };
}

export function workloadFrom(o: K8sObject, source: string): Workload {
  const kind = o.kind as WorkloadKind;
  const namespace = o.metadata?.namespace ?? 'default';
  const name = o.metadata?.name ?? '';
  if (!name) throw new Error(`${source}: ${kind} has no metadata.name`);
  if (kind === 'Pod') {
    if (!o.spec?.containers) throw new Error(`${source}: Pod ${namespace}/${name}: spec.containers is required`);
    const labels = o.metadata?.labels ?? {};
    return {
      key: `Pod/${namespace}/${name}`,
      kind,
      namespace,
      name,
      replicas: 1,
      selector: compileSelector({ matchLabels: labels }),
      podLabels: labels,
      podSpec: withDefaultTolerations(o.spec as PodSpec),
      volumeClaimTemplates: [],
      orderedReady: false,
      source: o,
    };
  }
  const tmpl = o.spec?.template;
  if (!tmpl?.spec?.containers) throw new Error(`${source}: ${kind} ${namespace}/${name}: spec.template.spec.containers is required`);
  if (!o.spec?.selector) throw new Error(`${source}: ${kind} ${namespace}/${name}: spec.selector is required`);
  const selector = compileSelector(o.spec.selector);
  const podLabels = tmpl.metadata?.labels ?? {};
  if (!selector.matches(podLabels)) throw new Error(`${source}: ${kind} ${namespace}/${name}: spec.selector does not match spec.template.metadata.labels`);
  return {
    key: `${kind}/${namespace}/${name}`,
    kind,
    namespace,
    name,
    replicas: o.spec.replicas ?? 1,
    selector,
    podLabels,
    podSpec: withDefaultTolerations(tmpl.spec as PodSpec),
    volumeClaimTemplates: kind === 'StatefulSet' ? (o.spec.volumeClaimTemplates ?? []) : [],
    orderedReady: kind === 'StatefulSet' && (o.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady',
    serviceName: o.spec.serviceName,
    source: o,
  };
}

export function pdbFrom(o: K8sObject, source: string): DisruptionBudget {
  const namespace = o.metadata?.namespace ?? 'default';
  const name = o.metadata?.name ?? '';
  if (!o.spec?.selector) throw new Error(`${source}: PodDisruptionBudget ${namespace}/${name}: spec.selector is required`);
  return { namespace, name, selector: compileSelector(o.spec.selector), minAvailable: o.spec.minAvailable, maxUnavailable: o.spec.maxUnavailable };
}

function resolve(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)%$/.exec(v);
  if (!m) return Number(v);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** The disruption controller's disruptionsAllowed = currentHealthy - desiredHealthy (never below 0). */
export function disruptionsAllowed(pdb: DisruptionBudget, expected: number, healthy: number): number {
  let desired: number;
  if (pdb.maxUnavailable !== undefined) desired = expected - resolve(pdb.maxUnavailable, expected, true);
  else if (pdb.minAvailable !== undefined) desired = resolve(pdb.minAvailable, expected, true);
  else desired = expected;
  return Math.max(0, healthy - desired);
}
