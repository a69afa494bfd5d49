/**
 * The default scheduler profile (pkg/scheduler/apis/config/v1/default_plugins.go): filters in
 * upstream order, scores with upstream weights. ImageLocality is left out (every node is assumed to
 * pull the same images); NodePorts, VolumeRestrictions and NodeVolumeLimits are not modelled.
 */
import { Framework, FrameworkOptions } from './framework';
import { InterPodAffinity } from './plugins/inter-pod-affinity';
import { NodeAffinity } from './plugins/node-affinity';
import { NodeName } from './plugins/node-name';
import { NodeResourcesBalancedAllocation, NodeResourcesFit } from './plugins/node-resources-fit';
import { NodeUnschedulable } from './plugins/node-unschedulable';
import { PodTopologySpread } from './plugins/pod-topology-spread';
import { TaintToleration } from './plugins/taint-toleration';
import { VolumeBinding } from './plugins/volume-binding';
import { VolumeZone } from './plugins/volume-zone';

export function defaultFramework(options: FrameworkOptions = {}): Framework {
  return new Framework(
    [
      { plugin: NodeUnschedulable, weight: 0 },
      { plugin: NodeName, weight: 0 },
      { plugin: TaintToleration, weight: 3 },
      { plugin: NodeAffinity, weight: 2 },
      { plugin: NodeResourcesFit, weight: 1 },
      { plugin: VolumeBinding, weight: 0 },
      { plugin: VolumeZone, weight: 0 },
      { plugin: PodTopologySpread, weight: 2 },
      { plugin: InterPodAffinity, weight: 2 },
      { plugin: NodeResourcesBalancedAllocation, weight: 1 },
    ],
    options,
  );
}
