import { NodeObject, PodObject, Taint } from '../../lib/drill/model/types';
import { explain, ExplainState } from '../../lib/drill/explain';
import { parseManifests } from '../../lib/drill/input';
import { NodeSpecInput } from '../../lib/drill/sim/cluster';
import { K8sObject } from '../../lib/drill/model/types';
import { runDrill } from '../../lib/drill/drill';
import { CapacityModel } from '../../lib/drill/capacity';

export const ZONE = 'topology.kubernetes.io/zone';
export const HOST = 'kubernetes.io/hostname';

export function node(name: string, zone: string | undefined, opts: { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {}): NodeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [HOST]: name, ...(zone ? { [ZONE]: zone } : {}), ...(opts.labels ?? {}) } },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { allocatable: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '16Gi', pods: String(opts.pods ?? 110) } },
  };
}

export function nodeSpec(name: string, zone: string, opts: { cpu?: number; memoryGi?: number } = {}): NodeSpecInput {
  return { name, labels: { [HOST]: name, [ZONE]: zone }, taints: [], unschedulable: false, cpu: (opts.cpu ?? 4) * 1000, memory: (opts.memoryGi ?? 16) * 1024 ** 3, pods: 110 };
}

export function pod(name: string, spec: Partial<PodObject['spec']> = {}, meta: { labels?: Record<string, string>; namespace?: string; nodeName?: string; terminating?: boolean } = {}): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: meta.namespace ?? 'default', labels: meta.labels ?? {}, deletionTimestamp: meta.terminating ? '2026-01-01T00:00:00Z' : undefined },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...spec, ...(meta.nodeName ? { nodeName: meta.nodeName } : {}) },
  };
}

export function why(state: ExplainState) {
  return explain(state);
}

export const spread = (key: string, when: 'DoNotSchedule' | 'ScheduleAnyway', labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  maxSkew: 1,
  topologyKey: key,
  whenUnsatisfiable: when,
  labelSelector: { matchLabels: labels },
  ...extra,
});

export function deployment(name: string, replicas: number, labels: Record<string, string>, podSpec: Record<string, unknown>, namespace = 'default'): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...podSpec } },
    },
  };
}

export function drill(objects: K8sObject[], nodes: NodeSpecInput[], capacity?: CapacityModel) {
  return runDrill({ manifests: parseManifests(objects.map((object, i) => ({ object, source: `test#${i}` }))), nodes, capacity });
}
