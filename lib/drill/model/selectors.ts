/**
 * Label selectors (metav1.LabelSelectorAsSelector), node selector terms
 * (k8s.io/component-helpers/scheduling/corev1/nodeaffinity) and tolerations
 * (k8s.io/api/core/v1 Toleration.ToleratesTaint), compiled once into predicates.
 */
import { LabelSelector, NodeSelectorRequirement, NodeSelectorTerm, Taint, TaintEffect, Toleration } from './types';

export type Labels = Readonly<Record<string, string>>;

/** A compiled label selector; `key` is a canonical text for caching counters. */
export interface Selector {
  readonly key: string;
  readonly matches: (labels: Labels) => boolean;
  /** Some `k=v` every matching object carries, for indexing; undefined if none. */
  readonly anchor?: string;
  readonly empty: boolean;
}

const NOTHING: Selector = { key: '<nothing>', matches: () => false, empty: false };

/** `nil` selects nothing, `{}` everything — as metav1.LabelSelectorAsSelector. */
export function compileSelector(sel: LabelSelector | null | undefined, extra?: { key: string; op: 'In' | 'NotIn'; value: string }[]): Selector {
  if (sel === null || sel === undefined) {
    if (!extra || extra.length === 0) return NOTHING;
    sel = {};
  }
  const reqs: { key: string; op: string; values: string[] }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: 'In', values: [String(v)] });
  for (const e of sel.matchExpressions ?? []) reqs.push({ key: e.key, op: e.operator, values: (e.values ?? []).map(String) });
  for (const e of extra ?? []) reqs.push({ key: e.key, op: e.op, values: [e.value] });
  reqs.sort((a, b) => (a.key + a.op < b.key + b.op ? -1 : a.key + a.op > b.key + b.op ? 1 : 0));
  const key = reqs.map((r) => `${r.key} ${r.op} (${[...r.values].sort().join(',')})`).join(' && ') || '<everything>';
  const anchorReq = reqs.find((r) => r.op === 'In' && r.values.length === 1);
  const checks = reqs.map((r) => {
    const set = new Set(r.values);
    switch (r.op) {
      case 'In':
        return (l: Labels) => l[r.key] !== undefined && set.has(l[r.key]);
      case 'NotIn':
        return (l: Labels) => l[r.key] === undefined || !set.has(l[r.key]);
      case 'Exists':
        return (l: Labels) => l[r.key] !== undefined;
      case 'DoesNotExist':
        return (l: Labels) => l[r.key] === undefined;
      default:
        throw new Error(`unknown label selector operator "${r.op}" (use In, NotIn, Exists or DoesNotExist)`);
    }
  });
  const matches =
    checks.length === 0
      ? () => true
      : checks.length === 1
        ? checks[0]
        : (l: Labels) => {
            for (let i = 0; i < checks.length; i++) if (!checks[i](l)) return false;
            return true;
          };
  return { key, matches, anchor: anchorReq ? `${anchorReq.key}=${anchorReq.values[0]}` : undefined, empty: reqs.length === 0 };
}

function nodeRequirement(r: NodeSelectorRequirement, field: boolean): (labels: Labels, name: string) => boolean {
  const values = r.values ?? [];
  const get = field ? (_l: Labels, name: string) => (r.key === 'metadata.name' ? name : undefined) : (l: Labels) => l[r.key];
  const set = new Set(values);
  switch (r.operator) {
    case 'In':
      return (l, n) => {
        const v = get(l, n);
        return v !== undefined && set.has(v);
      };
    case 'NotIn':
      return (l, n) => {
        const v = get(l, n);
        return v === undefined || !set.has(v);
      };
    case 'Exists':
      return (l, n) => get(l, n) !== undefined;
    case 'DoesNotExist':
      return (l, n) => get(l, n) === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = Number.parseInt(values[0] ?? '', 10);
      return (l, n) => {
        const v = get(l, n);
        if (v === undefined || Number.isNaN(bound)) return false;
        const x = Number.parseInt(v, 10);
        if (Number.isNaN(x)) return false;
        return r.operator === 'Gt' ? x > bound : x < bound;
      };
    }
    default:
      throw new Error(`unknown node selector operator "${(r as NodeSelectorRequirement).operator}"`);
  }
}

/** A node selector term: all requirements ANDed; a term with no requirements matches no node. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): (labels: Labels, nodeName: string) => boolean {
  const reqs = [
    ...(term.matchExpressions ?? []).map((r) => nodeRequirement(r, false)),
    ...(term.matchFields ?? []).map((r) => nodeRequirement(r, true)),
  ];
  if (reqs.length === 0) return () => false;
  return (l, n) => reqs.every((f) => f(l, n));
}

/** Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? 'Equal';
  if (op === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** v1helper.FindMatchingUntoleratedTaint: the first taint passing `filter` that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[],
  effects: readonly TaintEffect[],
): Taint | undefined {
  if (!taints) return undefined;
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}

export const DO_NOT_SCHEDULE_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'NoExecute'];
