/**
 * The vm-multiaz platform as the drill sees it: the nodes its node groups start with, the capacity
 * model, and the synthesized Kubernetes objects (renderPlatformManifests). Node groups and
 * NodePools come from the cluster's own capacity plan (lib/cluster/capacity/model.ts), so the
 * drill simulates exactly what the CDK code builds.
 */
import { capacityOf } from '../cluster/capacity/model';
import { PlatformConfig } from '../config/schema';
import { renderPlatformManifests } from '../workloads/manifests';
import { CapacityModel, KarpenterCapacity, NodeGroupCapacity, NodeGroupSpec, templateLabels } from './capacity';
import { instanceAllocatable } from './instances';
import { SourcedObject } from './input';
import { NodeSpecInput } from './sim/cluster';

/** The instance type Karpenter is modeled with: a general-purpose xlarge of the newest generation allowed. */
function karpenterInstanceType(categories: readonly string[]): string {
  const family = categories.includes('m') ? 'm' : categories.includes('c') ? 'c' : categories.includes('r') ? 'r' : 'm';
  return `${family}7i.xlarge`;
}

export function platformCapacity(config: PlatformConfig): CapacityModel {
  const plan = capacityOf(config);
  const groups = (role: 'workload' | 'system'): NodeGroupSpec[] =>
    plan.nodeGroups
      .filter((g) => g.role === role)
      .map((g) => ({ name: g.name, zone: g.zone, instanceType: g.instanceTypes[0], desired: g.desiredSize, max: g.maxSize, labels: g.labels, taints: [...g.taints] }));
  if (plan.mode === 'karpenter') {
    const pool = plan.nodePools[0];
    return new KarpenterCapacity(pool.name, pool.zones, karpenterInstanceType(pool.instanceCategories), pool.limits.cpuMillis / 1000, config.region, groups('system'));
  }
  return new NodeGroupCapacity(groups('workload'), config.region);
}

export function platformNodes(config: PlatformConfig, capacity: CapacityModel): NodeSpecInput[] {
  const perGroup = new Map<string, number>();
  return capacity.initialNodes().map(({ group, zone, instanceType, labels, taints }) => {
    const i = (perGroup.get(group) ?? 0) + 1;
    perGroup.set(group, i);
    const name = `${group}-${i}`;
    const a = instanceAllocatable(instanceType);
    return { name, labels: { ...templateLabels(group, zone, instanceType, config.region, name), ...(labels ?? {}) }, taints: [...(taints ?? [])], unschedulable: false, cpu: a.cpuMillis, memory: a.memoryBytes, pods: a.maxPods, group };
  });
}

export function platformObjects(config: PlatformConfig): SourcedObject[] {
  return renderPlatformManifests(config).map((object) => ({ object, source: `platform:${object.kind}/${object.metadata?.name}` }));
}
