/**
 * NodeResourcesFit (pkg/scheduler/framework/plugins/noderesources/fit.go): Filter on cpu, memory
 * and pod count against allocatable; Score with the default LeastAllocated strategy (cpu and memory,
 * weight 1 each) on requests with the scheduler's non-zero defaults.
 */
import { Plugin, unschedulable, MAX_NODE_SCORE } from '../framework';

export const NodeResourcesFit: Plugin = {
  name: 'NodeResourcesFit',
  filter(cs, node) {
    const info = cs.pod.info;
    const pods = node.pods.length + 1 > node.allocPods;
    const cpu = info.cpu > 0 && node.reqCpu + info.cpu > node.allocCpu;
    const mem = info.memory > 0 && node.reqMem + info.memory > node.allocMem;
    if (!pods && !cpu && !mem) return undefined;
    const reasons: string[] = [];
    if (pods) reasons.push('Too many pods');
    if (cpu) reasons.push('Insufficient cpu');
    if (mem) reasons.push('Insufficient memory');
    return unschedulable('NodeResourcesFit', ...reasons);
  },
  score(cs, node) {
    const info = cs.pod.info;
    return Math.trunc((leastRequested(node.nzCpu + info.nonZeroCpu, node.allocCpu) + leastRequested(node.nzMem + info.nonZeroMemory, node.allocMem)) / 2);
  },
  scoreAll(cs, nodes) {
    const info = cs.pod.info;
    const out = new Array<number>(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      out[i] = Math.trunc((leastRequested(n.nzCpu + info.nonZeroCpu, n.allocCpu) + leastRequested(n.nzMem + info.nonZeroMemory, n.allocMem)) / 2);
    }
    return out;
  },
};

/** leastRequestedScore in least_allocated.go. */
export function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * NodeResourcesBalancedAllocation (noderesources/balanced_allocation.go): favours nodes whose cpu and
 * memory fractions stay close; with two resources the standard deviation is |f1 - f2| / 2.
 */
export const NodeResourcesBalancedAllocation: Plugin = {
  name: 'NodeResourcesBalancedAllocation',
  score(cs, node) {
    const info = cs.pod.info;
    const fc = node.allocCpu > 0 ? Math.min(1, (node.reqCpu + info.cpu) / node.allocCpu) : 1;
    const fm = node.allocMem > 0 ? Math.min(1, (node.reqMem + info.memory) / node.allocMem) : 1;
    const std = Math.abs((fc - fm) / 2);
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  },
  scoreAll(cs, nodes) {
    const out = new Array<number>(nodes.length);
    for (let i = 0; i < nodes.length; i++) out[i] = NodeResourcesBalancedAllocation.score!(cs, nodes[i]);
    return out;
  },
};
