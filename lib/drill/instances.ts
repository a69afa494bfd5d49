import { forPods, NodeShape, nodeShape } from '../cluster/capacity/instance-types';

/**
 * What a simulated node of `instanceType` offers to the pods the drill replays: its allocatable
 * less the DaemonSets the drill does not replay, exactly as the configuration's headroom checks
 * count it (lib/cluster/capacity/instance-types.ts).
 */
export function instanceAllocatable(instanceType: string): NodeShape {
  const shape = nodeShape(instanceType);
  if (!shape) {
    throw new Error(
      `unknown instance type "${instanceType}": the drill knows the c, m and r families of generations 5 to 8, large to 16xlarge; pass real Node objects with --nodes`,
    );
  }
  return forPods(shape);
}
