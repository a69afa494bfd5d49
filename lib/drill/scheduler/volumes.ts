/**
 * PersistentVolumeClaims, PersistentVolumes and StorageClasses as VolumeBinding and VolumeZone
 * read them, and dynamic provisioning as the CSI drivers do it: a zonal driver (EBS) gives the
 * volume node affinity to the zone it was created in; a regional one (EFS) gives none.
 */
import { compileNodeSelectorTerm, Labels } from '../model/selectors';
import { K8sObject, LabelZone, NodeSelectorTerm } from '../model/types';

export interface Claim {
  readonly namespace: string;
  readonly name: string;
  readonly storageClassName?: string;
  readonly accessModes: readonly string[];
  volumeName?: string;
}

export interface Volume {
  readonly name: string;
  readonly labels: Labels;
  readonly storageClassName?: string;
  readonly nodeAffinity?: (labels: Labels, nodeName: string) => boolean;
  /** The zones the volume can attach in, when known (for reports). */
  readonly zones?: readonly string[];
  claim?: string;
}

export interface StorageClass {
  readonly name: string;
  readonly provisioner: string;
  readonly volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  readonly allowedTopologies?: (labels: Labels, nodeName: string) => boolean;
  readonly allowedZones?: readonly string[];
  readonly isDefault: boolean;
}

/** CSI drivers and in-tree plugins whose volumes live in one zone. */
export const ZONAL_PROVISIONERS = new Set([
  'ebs.csi.aws.com',
  'kubernetes.io/aws-ebs',
  'pd.csi.storage.gke.io',
  'kubernetes.io/gce-pd',
  'disk.csi.azure.com',
  'kubernetes.io/azure-disk',
]);

const zoneTerm = (zone: string): NodeSelectorTerm => ({ matchExpressions: [{ key: LabelZone, operator: 'In', values: [zone] }] });

export class VolumeCatalog {
  readonly claims = new Map<string, Claim>();
  readonly volumes = new Map<string, Volume>();
  readonly classes = new Map<string, StorageClass>();

  static claimKey(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  clone(): VolumeCatalog {
    const c = new VolumeCatalog();
    for (const [k, v] of this.claims) c.claims.set(k, { ...v });
    for (const [k, v] of this.volumes) c.volumes.set(k, { ...v });
    for (const [k, v] of this.classes) c.classes.set(k, v);
    return c;
  }

  addStorageClass(o: K8sObject): void {
    const name = o.metadata?.name ?? '';
    const terms: NodeSelectorTerm[] | undefined = o.allowedTopologies?.map((t: { matchLabelExpressions?: { key: string; values: string[] }[] }) => ({
      matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In' as const, values: e.values })),
    }));
    const compiled = terms?.map(compileNodeSelectorTerm);
    this.classes.set(name, {
      name,
      provisioner: o.provisioner ?? '',
      volumeBindingMode: o.volumeBindingMode === 'WaitForFirstConsumer' ? 'WaitForFirstConsumer' : 'Immediate',
      allowedTopologies: compiled ? (l, n) => compiled.some((f) => f(l, n)) : undefined,
      allowedZones: terms?.flatMap((t) => (t.matchExpressions ?? []).filter((e) => e.key === LabelZone || e.key.endsWith('/zone')).flatMap((e) => e.values ?? [])),
      isDefault: o.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    });
  }

  addVolume(o: K8sObject): void {
    const terms: NodeSelectorTerm[] | undefined = o.spec?.nodeAffinity?.required?.nodeSelectorTerms;
    const compiled = terms?.map(compileNodeSelectorTerm);
    const zones = terms?.flatMap((t) => (t.matchExpressions ?? []).filter((e) => e.key.endsWith('/zone')).flatMap((e) => e.values ?? []));
    const claimRef = o.spec?.claimRef;
    this.volumes.set(o.metadata?.name ?? '', {
      name: o.metadata?.name ?? '',
      labels: o.metadata?.labels ?? {},
      storageClassName: o.spec?.storageClassName,
      nodeAffinity: compiled ? (l, n) => compiled.some((f) => f(l, n)) : undefined,
      zones,
      claim: claimRef ? VolumeCatalog.claimKey(claimRef.namespace ?? 'default', claimRef.name) : undefined,
    });
  }

  addClaim(namespace: string, o: K8sObject): Claim {
    const claim: Claim = {
      namespace,
      name: o.metadata?.name ?? '',
      storageClassName: o.spec?.storageClassName ?? this.defaultClass()?.name,
      accessModes: o.spec?.accessModes ?? ['ReadWriteOnce'],
      volumeName: o.spec?.volumeName || undefined,
    };
    this.claims.set(VolumeCatalog.claimKey(namespace, claim.name), claim);
    if (claim.volumeName) {
      const v = this.volumes.get(claim.volumeName);
      if (v) v.claim = VolumeCatalog.claimKey(namespace, claim.name);
    } else {
      // A pre-created PV whose claimRef names this claim binds to it.
      for (const v of this.volumes.values()) if (v.claim === VolumeCatalog.claimKey(namespace, claim.name)) claim.volumeName = v.name;
    }
    return claim;
  }

  defaultClass(): StorageClass | undefined {
    return [...this.classes.values()].find((c) => c.isDefault);
  }

  /** Provisions and binds a volume for `claim` in `zone` (dynamic provisioning). */
  provision(claim: Claim, zone: string | undefined): Volume {
    const sc = claim.storageClassName ? this.classes.get(claim.storageClassName) : undefined;
    const zonal = !!sc && ZONAL_PROVISIONERS.has(sc.provisioner) && zone !== undefined;
    const term = zonal ? compileNodeSelectorTerm(zoneTerm(zone!)) : undefined;
    const v: Volume = {
      name: `pvc-${claim.namespace}-${claim.name}`,
      labels: {},
      storageClassName: claim.storageClassName,
      nodeAffinity: term,
      zones: zonal ? [zone!] : undefined,
      claim: VolumeCatalog.claimKey(claim.namespace, claim.name),
    };
    this.volumes.set(v.name, v);
    claim.volumeName = v.name;
    return v;
  }

  /** Static PVs of a class that are still free, for claims with no provisioner. */
  freeVolumes(storageClassName: string | undefined): Volume[] {
    return [...this.volumes.values()].filter((v) => !v.claim && v.storageClassName === storageClassName);
  }
}
