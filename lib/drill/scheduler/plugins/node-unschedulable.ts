/**
 * NodeUnschedulable (pkg/scheduler/framework/plugins/nodeunschedulable): a cordoned node
 * (spec.unschedulable) admits only pods tolerating node.kubernetes.io/unschedulable:NoSchedule.
 */
import { toleratesTaint } from '../../model/selectors';
import { TaintNodeUnschedulable } from '../../model/types';
import { Plugin, unresolvable } from '../framework';

export const ErrReasonUnschedulable = 'node(s) were unschedulable';

export const NodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  staticFilter: true,
  filter(cs, node) {
    if (!node.unschedulable) return undefined;
    const taint = { key: TaintNodeUnschedulable, effect: 'NoSchedule' as const };
    return cs.pod.info.tolerations.some((t) => toleratesTaint(t, taint)) ? undefined : unresolvable('NodeUnschedulable', ErrReasonUnschedulable);
  },
};
