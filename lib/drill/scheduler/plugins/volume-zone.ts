/**
 * VolumeZone (pkg/scheduler/framework/plugins/volumezone): a bound volume labelled with a zone or
 * region (topology.kubernetes.io/* or the beta failure-domain labels, values joined by "__") only
 * fits nodes in one of those zones.
 */
import { LabelRegion, LabelRegionBeta, LabelZone, LabelZoneBeta } from '../../model/types';
import { Plugin, unresolvable, SKIP } from '../framework';
import { VolumeCatalog } from '../volumes';

export const ErrReasonConflict = 'node(s) had no available volume zone';
const TOPOLOGY_LABELS = [LabelZone, LabelZoneBeta, LabelRegion, LabelRegionBeta];
const GA_LABEL: Record<string, string> = { [LabelZoneBeta]: LabelZone, [LabelRegionBeta]: LabelRegion };

export const VolumeZone: Plugin = {
  name: 'VolumeZone',
  preFilter(cs) {
    if (cs.pod.claims.length === 0) return SKIP;
    const vc = cs.snapshot.volumes;
    const wants: { key: string; values: string[] }[] = [];
    for (const name of cs.pod.claims) {
      const claim = vc.claims.get(VolumeCatalog.claimKey(cs.pod.namespace, name));
      const v = claim?.volumeName ? vc.volumes.get(claim.volumeName) : undefined;
      if (!v) continue;
      for (const key of TOPOLOGY_LABELS) if (v.labels[key] !== undefined) wants.push({ key, values: v.labels[key].split('__') });
    }
    if (wants.length === 0) return SKIP;
    cs.write('VolumeZone', wants);
    return undefined;
  },
  filter(cs, node) {
    const wants = cs.read<{ key: string; values: string[] }[]>('VolumeZone');
    if (!wants) return undefined;
    // As upstream: a node with no topology label at all is not constrained.
    if (!TOPOLOGY_LABELS.some((key) => node.labels[key] !== undefined)) return undefined;
    for (const w of wants) {
      // A PV's beta label also matches the node's GA label (translateToGALabel).
      const have = node.labels[w.key] ?? node.labels[GA_LABEL[w.key] ?? w.key];
      if (have === undefined || !w.values.includes(have)) return unresolvable('VolumeZone', ErrReasonConflict);
    }
    return undefined;
  },
};
