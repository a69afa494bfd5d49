/**
 * VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): a bound claim's volume must have
 * node affinity matching the node; an unbound WaitForFirstConsumer claim needs a node the
 * StorageClass's allowedTopologies admit (or a free static volume that fits); an unbound
 * Immediate claim leaves the pod unschedulable until it is bound.
 */
import { Plugin, unresolvable } from '../framework';
import { VolumeCatalog } from '../volumes';

export const ErrReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
export const ErrReasonNodeConflict = 'node(s) had volume node affinity conflict';
export const ErrReasonPVNotExist = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ErrUnboundImmediate = 'pod has unbound immediate PersistentVolumeClaims';

const NAME = 'VolumeBinding';

export const VolumeBinding: Plugin = {
  name: NAME,
  preFilter(cs) {
    const vc = cs.snapshot.volumes;
    for (const name of cs.pod.claims) {
      const claim = vc.claims.get(VolumeCatalog.claimKey(cs.pod.namespace, name));
      if (!claim) return unresolvable(NAME, `persistentvolumeclaim "${name}" not found`);
      if (claim.volumeName) continue;
      const sc = claim.storageClassName ? vc.classes.get(claim.storageClassName) : undefined;
      if (!sc) return unresolvable(NAME, `storageclass.storage.k8s.io "${claim.storageClassName ?? ''}" not found`);
      if (sc.volumeBindingMode === 'Immediate') return unresolvable(NAME, ErrUnboundImmediate);
    }
    return undefined;
  },
  filter(cs, node) {
    if (cs.pod.claims.length === 0) return undefined;
    const vc = cs.snapshot.volumes;
    for (const name of cs.pod.claims) {
      const claim = vc.claims.get(VolumeCatalog.claimKey(cs.pod.namespace, name))!;
      if (claim.volumeName) {
        const v = vc.volumes.get(claim.volumeName);
        if (!v) return unresolvable(NAME, ErrReasonPVNotExist);
        if (v.nodeAffinity && !v.nodeAffinity(node.labels, node.name)) return unresolvable(NAME, ErrReasonNodeConflict);
        continue;
      }
      const sc = vc.classes.get(claim.storageClassName!)!;
      if (sc.provisioner === 'kubernetes.io/no-provisioner') {
        const fits = vc.freeVolumes(sc.name).some((v) => !v.nodeAffinity || v.nodeAffinity(node.labels, node.name));
        if (!fits) return unresolvable(NAME, ErrReasonBindConflict);
      } else if (sc.allowedTopologies && !sc.allowedTopologies(node.labels, node.name)) {
        return unresolvable(NAME, ErrReasonBindConflict);
      }
    }
    return undefined;
  },
};
