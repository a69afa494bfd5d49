/**
 * Reading what the drill runs on: Kubernetes manifests (YAML or JSON, files or a folder) and a
 * cluster given as v1 Node objects. Errors name the file, the object and the field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, NodeObject } from './model/types';
import { DisruptionBudget, pdbFrom, Workload, workloadFrom } from './sim/workloads';
import { VolumeCatalog } from './scheduler/volumes';
import { nodeSpecFromObject, NodeSpecInput } from './sim/cluster';

export class DrillInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillInputError';
  }
}

export interface SourcedObject {
  readonly object: K8sObject;
  /** `file.yaml` or `file.yaml#3` (document index) for messages. */
  readonly source: string;
}

export interface Manifests {
  readonly workloads: Workload[];
  readonly pdbs: DisruptionBudget[];
  readonly services: K8sObject[];
  readonly claims: { namespace: string; object: K8sObject }[];
  readonly volumes: VolumeCatalog;
  /** Kinds seen but not simulated (ConfigMaps, Services are used only for recognition...). */
  readonly ignored: Map<string, number>;
}

function listFiles(p: string): string[] {
  if (!fs.existsSync(p)) throw new DrillInputError(`${p}: no such file or directory`);
  if (fs.statSync(p).isDirectory()) {
    return fs
      .readdirSync(p)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => path.join(p, f));
  }
  return [p];
}

/** Reads every object of the files (multi-document YAML, JSON, `kind: List`, or a top-level array). */
export function readObjects(p: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const file of listFiles(p)) {
    const rel = path.relative(process.cwd(), file) || file;
    const text = fs.readFileSync(file, 'utf8');
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, i) => {
      if (doc.errors.length > 0) throw new DrillInputError(`${rel}: document ${i + 1}: ${doc.errors[0].message}`);
      const v = doc.toJS();
      const push = (o: unknown, where: string) => {
        if (o === null || o === undefined) return;
        if (typeof o !== 'object' || Array.isArray(o)) throw new DrillInputError(`${where}: expected a Kubernetes object (a mapping with kind), got ${Array.isArray(o) ? 'a list' : typeof o}`);
        const k = o as K8sObject;
        if (typeof k.kind === 'string' && k.kind.endsWith('List') && Array.isArray(k.items)) k.items.forEach((it: unknown, j: number) => push(it, `${where}.items[${j}]`));
        else out.push({ object: k, source: where });
      };
      const where = list.length > 1 ? `${rel}#${i + 1}` : rel;
      if (Array.isArray(v)) v.forEach((o, j) => push(o, `${where}[${j}]`));
      else push(v, where);
    });
  }
  return out;
}

export function parseManifests(objects: readonly SourcedObject[]): Manifests {
  const m: Manifests = { workloads: [], pdbs: [], services: [], claims: [], volumes: new VolumeCatalog(), ignored: new Map() };
  /** HorizontalPodAutoscaler floors by target, `<kind>/<namespace>/<name>`. */
  const autoscaled = new Map<string, number>();
  for (const { object: o, source } of objects) {
    if (!o.kind) throw new DrillInputError(`${source}: kind is required`);
    const ns = o.metadata?.namespace ?? 'default';
    try {
      switch (o.kind) {
        case 'Deployment':
        case 'ReplicaSet':
        case 'StatefulSet':
        case 'Pod':
          m.workloads.push(workloadFrom(o, source));
          break;
        case 'PodDisruptionBudget':
          m.pdbs.push(pdbFrom(o, source));
          break;
        case 'Service':
          m.services.push(o);
          break;
        case 'PersistentVolumeClaim':
          m.claims.push({ namespace: ns, object: o });
          break;
        case 'PersistentVolume':
          m.volumes.addVolume(o);
          break;
        case 'StorageClass':
          m.volumes.addStorageClass(o);
          break;
        case 'HorizontalPodAutoscaler': {
          const target = o.spec?.scaleTargetRef;
          if (!target?.kind || !target?.name) throw new DrillInputError(`${source}: HorizontalPodAutoscaler ${ns}/${o.metadata?.name}: spec.scaleTargetRef.kind and .name are required`);
          autoscaled.set(`${target.kind}/${ns}/${target.name}`, o.spec.minReplicas ?? 1);
          break;
        }
        default:
          m.ignored.set(o.kind, (m.ignored.get(o.kind) ?? 0) + 1);
      }
    } catch (e) {
      if (e instanceof DrillInputError) throw e;
      throw new DrillInputError((e as Error).message.startsWith(source) ? (e as Error).message : `${source}: ${(e as Error).message}`);
    }
  }
  // An autoscaled workload runs at least the HPA's floor, whatever its manifest says (the
  // manifest may leave replicas out so that an apply never resets the HPA's choice).
  m.workloads.forEach((w, i) => {
    const floor = autoscaled.get(w.key);
    if (floor !== undefined) m.workloads[i] = { ...w, replicas: Math.max(w.source.spec?.replicas ?? 1, floor) };
  });
  return m;
}

export function readManifests(p: string): Manifests {
  return parseManifests(readObjects(p));
}

export function parseNodes(objects: readonly SourcedObject[]): NodeSpecInput[] {
  const nodes: NodeSpecInput[] = [];
  for (const { object: o, source } of objects) {
    if (o.kind !== 'Node') throw new DrillInputError(`${source}: kind must be Node, got ${o.kind ?? 'nothing'}`);
    try {
      nodes.push(nodeSpecFromObject(o as NodeObject, source));
    } catch (e) {
      throw new DrillInputError((e as Error).message);
    }
  }
  if (nodes.length === 0) throw new DrillInputError('the nodes file holds no Node objects');
  const names = new Set<string>();
  for (const n of nodes) {
    if (names.has(n.name)) throw new DrillInputError(`Node ${n.name} is listed twice`);
    names.add(n.name);
  }
  return nodes;
}

export function readNodes(p: string): NodeSpecInput[] {
  return parseNodes(readObjects(p));
}
