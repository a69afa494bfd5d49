/**
 * VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): a bound claim's volume must have
 * node affinity matching the node; an unbound WaitForFirstConsumer claim needs a node the
 * StorageClass's allowedTopologies admit (or a free static volume that fits); an unbound
 * Immediate claim leaves the pod unschedulable until it is bound.
 */
import { Plugin, unresolvable, SKIP } from '../framework';
import { Claim, StorageClass, Volume, VolumeCatalog } from '../volumes';

export const ErrReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
export const ErrReasonNodeConflict = 'node(s) had volume node affinity conflict';
export const ErrReasonPVNotExist = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ErrUnboundImmediate = 'pod has unbound immediate PersistentVolumeClaims';

const NAME = 'VolumeBinding';

interface Resolved {
  claim: Claim;
  volume?: Volume;
  sc?: StorageClass;
}

export const VolumeBinding: Plugin = {
  name: NAME,
  preFilter(cs) {
    if (cs.pod.claims.length === 0) return SKIP;
    const vc = cs.snapshot.volumes;
    const resolved: Resolved[] = [];
    for (const name of cs.pod.claims) {
      const claim = vc.claims.get(VolumeCatalog.claimKey(cs.pod.namespace, name));
      if (!claim) return unresolvable(NAME, `persistentvolumeclaim "${name}" not found`);
      if (claim.volumeName) {
        resolved.push({ claim, volume: vc.volumes.get(claim.volumeName) });
        continue;
      }
      const sc = claim.storageClassName ? vc.classes.get(claim.storageClassName) : undefined;
      if (!sc) return unresolvable(NAME, `storageclass.storage.k8s.io "${claim.storageClassName ?? ''}" not found`);
      if (sc.volumeBindingMode === 'Immediate') return unresolvable(NAME, ErrUnboundImmediate);
      resolved.push({ claim, sc });
    }
    cs.write(NAME, resolved);
    return undefined;
  },
  filter(cs, node) {
    const resolved = cs.read<Resolved[]>(NAME);
    if (!resolved) return undefined;
    const vc = cs.snapshot.volumes;
    for (const { claim, volume, sc } of resolved) {
      if (claim.volumeName) {
        if (!volume) return unresolvable(NAME, ErrReasonPVNotExist);
        if (volume.nodeAffinity && !volume.nodeAffinity(node.labels, node.name)) return unresolvable(NAME, ErrReasonNodeConflict);
        continue;
      }
      if (sc!.provisioner === 'kubernetes.io/no-provisioner') {
        const fits = vc.freeVolumes(sc!.name).some((v) => !v.nodeAffinity || v.nodeAffinity(node.labels, node.name));
        if (!fits) return unresolvable(NAME, ErrReasonBindConflict);
      } else if (sc!.allowedTopologies && !sc!.allowedTopologies(node.labels, node.name)) {
        return unresolvable(NAME, ErrReasonBindConflict);
      }
    }
    return undefined;
  },
};
