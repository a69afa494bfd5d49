/**
 * The vm-multiaz platform as the drill sees it: the nodes its node groups start with, the capacity
 * model, and the synthesized Kubernetes objects (renderPlatformManifests).
 */
import { PlatformConfig } from '../config/schema';
import { renderPlatformManifests } from '../workloads/manifests';
import { CapacityModel, KarpenterCapacity, NodeGroupCapacity, templateLabels } from './capacity';
import { instanceAllocatable } from './instances';
import { SourcedObject } from './input';
import { NodeSpecInput } from './sim/cluster';

export function platformCapacity(config: PlatformConfig): CapacityModel {
  const cap = config.capacity as { mode: string; nodeGroups?: any; systemNodeGroups?: any; karpenter?: any };
  if (cap.mode === 'karpenter') {
    const k = cap.karpenter;
    const category = (k.instanceCategories as string[]).includes('m') ? 'm' : k.instanceCategories[0];
    const sys = cap.systemNodeGroups;
    return new KarpenterCapacity(
      'default',
      config.availabilityZones,
      `${category}7i.xlarge`,
      Number(k.limits.cpu),
      config.region,
      config.availabilityZones.map((az) => ({ name: `${config.clusterName}-system-${az}`, zone: az, instanceType: sys.instanceTypes[0], desired: sys.sizePerAz, max: sys.sizePerAz })),
    );
  }
  const ng = cap.nodeGroups;
  return new NodeGroupCapacity(
    config.availabilityZones.map((az) => ({ name: `${config.clusterName}-${az}`, zone: az, instanceType: ng.instanceTypes[0], desired: ng.desiredSizePerAz, max: ng.maxSizePerAz })),
    config.region,
  );
}

export function platformNodes(config: PlatformConfig, capacity: CapacityModel): NodeSpecInput[] {
  const perGroup = new Map<string, number>();
  return capacity.initialNodes().map(({ group, zone, instanceType }) => {
    const i = (perGroup.get(group) ?? 0) + 1;
    perGroup.set(group, i);
    const name = `${group}-${i}`;
    const a = instanceAllocatable(instanceType);
    // Karpenter's system nodes keep application pods off (CriticalAddonsOnly).
    const taints = group.includes('-system-') ? [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' as const }] : [];
    return { name, labels: templateLabels(group, zone, instanceType, config.region, name), taints, unschedulable: false, cpu: a.cpuMillis, memory: a.memoryBytes, pods: a.pods, group };
  });
}

export function platformObjects(config: PlatformConfig): SourcedObject[] {
  return renderPlatformManifests(config).map((object) => ({ object, source: `platform:${object.kind}/${object.metadata?.name}` }));
}
