/**
 * TaintToleration (pkg/scheduler/framework/plugins/tainttoleration): Filter rejects a node with a
 * NoSchedule or NoExecute taint the pod does not tolerate; Score counts untolerated
 * PreferNoSchedule taints, normalized in reverse (fewer is better).
 */
import { DO_NOT_SCHEDULE_EFFECTS, findUntoleratedTaint, toleratesTaint } from '../../model/selectors';
import { defaultNormalizeScore, MAX_NODE_SCORE, Plugin, unresolvable } from '../framework';

export const TaintToleration: Plugin = {
  name: 'TaintToleration',
  staticFilter: true,
  filter(cs, node) {
    if (node.taints.length === 0) return undefined;
    const taint = findUntoleratedTaint(node.taints, cs.pod.info.tolerations, DO_NOT_SCHEDULE_EFFECTS);
    if (!taint) return undefined;
    return unresolvable('TaintToleration', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  },
  preScore(_cs, feasible) {
    // With no PreferNoSchedule taint every node normalizes to 100: a constant that cannot change
    // the choice, so the plugin is skipped.
    return feasible.some((n) => n.taints.some((t) => t.effect === 'PreferNoSchedule'));
  },
  score(cs, node) {
    if (node.taints.length === 0) return 0;
    const tolerations = cs.pod.info.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!tolerations.some((t) => toleratesTaint(t, taint))) n++;
    }
    return n;
  },
  normalizeScore(_cs, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
};
