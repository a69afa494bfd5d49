/**
 * `drill explain`: for a pod and a cluster state, the nodes that pass every Filter plugin and why
 * the others do not — the question asked when a pod is Pending.
 */
import { compileSelector } from './model/selectors';
import { K8sObject, NodeObject, PodObject } from './model/types';
import { DrillInputError } from './input';
import { nodeSpecFromObject } from './sim/cluster';
import { compilePod } from './scheduler/pod-info';
import { defaultFramework } from './scheduler/profile';
import { NodeInfo, SimPod, Snapshot } from './scheduler/snapshot';
import { VolumeCatalog } from './scheduler/volumes';

export interface ExplainState {
  nodes: NodeObject[];
  pods?: PodObject[];
  pod: PodObject;
  persistentVolumeClaims?: K8sObject[];
  persistentVolumes?: K8sObject[];
  storageClasses?: K8sObject[];
}

export interface ExplainResult {
  feasible: string[];
  reasons: Record<string, string>;
}

let uid = 1;
function toSimPod(o: PodObject, where: string): SimPod {
  if (!o || typeof o !== 'object' || !o.spec || !Array.isArray(o.spec.containers)) throw new DrillInputError(`${where}: a v1 Pod with spec.containers is required`);
  const ns = o.metadata?.namespace ?? 'default';
  const labels = o.metadata?.labels ?? {};
  const owner = o.metadata?.ownerReferences?.find((r) => r.controller) ?? o.metadata?.ownerReferences?.[0];
  // The system default spread uses the controller's selector; without the controller object, its pods' labels stand in.
  const info = compilePod(o.spec, ns, labels, owner ? compileSelector({ matchLabels: labels }) : undefined);
  const claims = (o.spec.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim!.claimName);
  return { uid: uid++, name: o.metadata?.name ?? '', namespace: ns, labels, info, workload: `Pod/${ns}/${o.metadata?.name}`, claims, nodeIdx: -1, terminating: false, createdAt: 0 };
}

export function explain(state: ExplainState, where = 'state'): ExplainResult {
  if (!state || typeof state !== 'object') throw new DrillInputError(`${where}: expected {"nodes": [...], "pods": [...], "pod": {...}}`);
  if (!Array.isArray(state.nodes)) throw new DrillInputError(`${where}.nodes: a list of v1 Node objects is required`);
  if (!state.pod) throw new DrillInputError(`${where}.pod: the v1 Pod to explain is required`);
  const volumes = new VolumeCatalog();
  for (const sc of state.storageClasses ?? []) volumes.addStorageClass(sc);
  for (const pv of state.persistentVolumes ?? []) volumes.addVolume(pv);
  for (const pvc of state.persistentVolumeClaims ?? []) volumes.addClaim(pvc.metadata?.namespace ?? 'default', pvc);
  const snap = new Snapshot(volumes);
  state.nodes.forEach((n, i) => {
    let spec;
    try {
      spec = nodeSpecFromObject(n, `${where}.nodes[${i}]`);
    } catch (e) {
      throw new DrillInputError((e as Error).message);
    }
    if (snap.node(spec.name)) throw new DrillInputError(`${where}.nodes[${i}]: Node ${spec.name} is listed twice`);
    snap.addNode((idx) => new NodeInfo(idx, spec.name, spec.labels, spec.taints, spec.unschedulable, spec.cpu, spec.memory, spec.pods));
  });
  (state.pods ?? []).forEach((o, i) => {
    const p = toSimPod(o, `${where}.pods[${i}]`);
    const nodeName = o.spec.nodeName;
    if (!nodeName) return; // not bound: not on any node yet
    const n = snap.node(nodeName);
    if (!n) throw new DrillInputError(`${where}.pods[${i}].spec.nodeName: no node named "${nodeName}" in ${where}.nodes`);
    snap.bind(p, n);
    if (o.metadata?.deletionTimestamp) snap.markTerminating(p);
  });
  const pod = toSimPod(state.pod, `${where}.pod`);
  const r = defaultFramework().filterAll(pod, snap);
  const reasons: Record<string, string> = {};
  for (const [name, s] of r.failures) reasons[name] = s.reasons.join(', ');
  return { feasible: r.feasible.map((n) => n.name), reasons };
}
