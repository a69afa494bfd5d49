/**
 * NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity): Filter on nodeSelector and
 * requiredDuringScheduling node affinity (terms ORed, expressions ANDed); Score is the sum of the
 * weights of matching preferred terms, normalized by DefaultNormalizeScore.
 */
import { defaultNormalizeScore, MAX_NODE_SCORE, Plugin, unresolvable } from '../framework';

export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";

export const NodeAffinity: Plugin = {
  name: 'NodeAffinity',
  staticFilter: true,
  filter(cs, node) {
    const info = cs.pod.info;
    if (!info.hasRequiredNodeAffinity) return undefined;
    return info.requiredNodeAffinity(node.labels, node.name) ? undefined : unresolvable('NodeAffinity', ErrReasonPod);
  },
  preScore(cs) {
    return cs.pod.info.preferredNodeTerms.length > 0;
  },
  score(cs, node) {
    let s = 0;
    for (const t of cs.pod.info.preferredNodeTerms) if (t.match(node.labels, node.name)) s += t.weight;
    return s;
  },
  normalizeScore(_cs, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  },
};
