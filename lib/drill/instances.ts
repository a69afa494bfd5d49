import { NodeShape, nodeShape } from '../cluster/capacity/instance-types';

/**
 * What a simulated node of `instanceType` offers to pods: the same table the configuration's
 * headroom checks use (lib/cluster/capacity/instance-types.ts), so the drill and synth agree.
 */
export function instanceAllocatable(instanceType: string): NodeShape {
  const shape = nodeShape(instanceType);
  if (!shape) {
    throw new Error(
      `unknown instance type "${instanceType}": the drill knows the c, m and r families of generations 5 to 8, large to 16xlarge; pass real Node objects with --nodes`,
    );
  }
  return shape;
}
