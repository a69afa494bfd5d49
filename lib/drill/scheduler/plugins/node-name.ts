/** NodeName (pkg/scheduler/framework/plugins/nodename): spec.nodeName must name the node. */
import { Plugin, unresolvable } from '../framework';

export const ErrReasonNodeName = "node(s) didn't match the requested node name";

export const NodeName: Plugin = {
  name: 'NodeName',
  staticFilter: true,
  filter(cs, node) {
    const want = cs.pod.info.nodeName;
    return want && want !== node.name ? unresolvable('NodeName', ErrReasonNodeName) : undefined;
  },
};
