/**
 * VolumeZone (pkg/scheduler/framework/plugins/volumezone): a bound volume labelled with a zone or
 * region (topology.kubernetes.io/* or the beta failure-domain labels, values joined by "__") only
 * fits nodes in one of those zones.
 */
import { LabelRegion, LabelRegionBeta, LabelZone, LabelZoneBeta } from '../../model/types';
import { Plugin, unresolvable } from '../framework';
import { VolumeCatalog } from '../volumes';

export const ErrReasonConflict = 'node(s) had no available volume zone';
const TOPOLOGY_LABELS = [LabelZone, LabelZoneBeta, LabelRegion, LabelRegionBeta];

export const VolumeZone: Plugin = {
  name: 'VolumeZone',
  filter(cs, node) {
    if (cs.pod.claims.length === 0) return undefined;
    const vc = cs.snapshot.volumes;
    for (const name of cs.pod.claims) {
      const claim = vc.claims.get(VolumeCatalog.claimKey(cs.pod.namespace, name));
      const v = claim?.volumeName ? vc.volumes.get(claim.volumeName) : undefined;
      if (!v) continue;
      for (const key of TOPOLOGY_LABELS) {
        const want = v.labels[key];
        if (want === undefined) continue;
        const have = node.labels[key];
        if (have === undefined || !want.split('__').includes(have)) return unresolvable('VolumeZone', ErrReasonConflict);
      }
    }
    return undefined;
  },
};
