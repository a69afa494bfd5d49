/**
 * What capacity the cluster can add when pods are Pending, as the real autoscaler would:
 * - node groups (Cluster Autoscaler with one managed node group per AZ): a group adds nodes only in
 *   its own AZ, up to its max size, and not in an AZ that is down;
 * - Karpenter: a NodePool adds nodes in any surviving AZ it allows, up to its cpu limit;
 * - fixed: nothing is added (a cluster given as Node objects).
 */
import { instanceAllocatable } from './instances';
import { LabelHostname, LabelInstanceType, LabelNodeGroup, LabelRegion, LabelZone, Taint } from './model/types';

/** A node the capacity model could create. */
export interface NodeTemplate {
  readonly taints: readonly Taint[];
  readonly group: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly labels: Record<string, string>;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

export interface CapacityModel {
  readonly kind: 'nodegroups' | 'karpenter' | 'fixed';
  /** One sentence for the report. */
  describe(): string;
  /**
   * Node templates that could be added now, best first (least-used group first, like
   * --balance-similar-node-groups), given the nodes per group and the AZs that are up.
   */
  candidates(nodesPerGroup: ReadonlyMap<string, number>, zoneUp: (zone: string) => boolean): NodeTemplate[];
  /** Nodes that exist at the start, per group and zone. */
  initialNodes(): { group: string; zone: string; instanceType: string; labels?: Readonly<Record<string, string>>; taints?: readonly Taint[] }[];
  /** Seconds from the decision to add a node to the node being Ready. */
  readonly nodeStartSeconds: number;
}

export interface NodeGroupSpec {
  readonly name: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly desired: number;
  readonly max: number;
  /** Extra node labels and taints the group's nodes carry. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
}

export function templateLabels(group: string, zone: string, instanceType: string, region: string, name: string, groupLabel = LabelNodeGroup): Record<string, string> {
  return {
    [LabelZone]: zone,
    [LabelRegion]: region,
    [LabelHostname]: name,
    [groupLabel]: group,
    [LabelInstanceType]: instanceType,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'eks.amazonaws.com/capacityType': 'ON_DEMAND',
  };
}

function template(group: string, zone: string, instanceType: string, region: string, groupLabel?: string, extra: NodeGroupSpec['labels'] = {}, taints: readonly Taint[] = []): NodeTemplate {
  const a = instanceAllocatable(instanceType);
  return { group, zone, instanceType, labels: { ...templateLabels(group, zone, instanceType, region, '', groupLabel), ...extra }, taints, cpuMillis: a.cpuMillis, memoryBytes: a.memoryBytes, pods: a.maxPods };
}

export class NodeGroupCapacity implements CapacityModel {
  readonly kind = 'nodegroups' as const;
  constructor(
    readonly groups: readonly NodeGroupSpec[],
    readonly region: string,
    /** Cluster Autoscaler scan + EC2 launch + kubelet join; ~2 minutes on EKS. */
    readonly nodeStartSeconds = 120,
  ) {}
  describe(): string {
    const g = this.groups[0];
    return `one managed node group per AZ (${this.groups.length} groups of ${g?.instanceType}, ${g?.desired} nodes each, at most ${g?.max}); Cluster Autoscaler adds nodes only in a group's own AZ`;
  }
  initialNodes() {
    return this.groups.flatMap((g) => Array.from({ length: g.desired }, () => ({ group: g.name, zone: g.zone, instanceType: g.instanceType, labels: g.labels, taints: g.taints })));
  }
  candidates(nodesPerGroup: ReadonlyMap<string, number>, zoneUp: (zone: string) => boolean): NodeTemplate[] {
    return this.groups
      .filter((g) => zoneUp(g.zone) && (nodesPerGroup.get(g.name) ?? 0) < g.max)
      .sort((a, b) => (nodesPerGroup.get(a.name) ?? 0) - (nodesPerGroup.get(b.name) ?? 0) || a.name.localeCompare(b.name))
      .map((g) => template(g.name, g.zone, g.instanceType, this.region, undefined, g.labels, g.taints));
  }
}

export class KarpenterCapacity implements CapacityModel {
  readonly kind = 'karpenter' as const;
  constructor(
    readonly nodePool: string,
    readonly zones: readonly string[],
    readonly instanceType: string,
    /** NodePool spec.limits.cpu, in vCPU. */
    readonly cpuLimit: number,
    readonly region: string,
    /** Fixed node groups that exist besides the NodePool (Karpenter's own system nodes). */
    readonly systemGroups: readonly NodeGroupSpec[] = [],
    readonly nodeStartSeconds = 60,
  ) {}
  describe(): string {
    return `Karpenter NodePool ${this.nodePool}: ${this.instanceType} nodes in any surviving AZ of ${this.zones.join(', ')}, up to ${this.cpuLimit} vCPU`;
  }
  initialNodes() {
    return this.systemGroups.flatMap((g) => Array.from({ length: g.desired }, () => ({ group: g.name, zone: g.zone, instanceType: g.instanceType, labels: g.labels, taints: g.taints })));
  }
  candidates(nodesPerGroup: ReadonlyMap<string, number>, zoneUp: (zone: string) => boolean): NodeTemplate[] {
    const vcpu = instanceAllocatable(this.instanceType).vcpu;
    if (((nodesPerGroup.get(this.nodePool) ?? 0) + 1) * vcpu > this.cpuLimit) return [];
    // Karpenter launches on-demand when a pod requires it (vmstorage does); modelled as on-demand.
    return this.zones
      .filter(zoneUp)
      .map((z) => template(this.nodePool, z, this.instanceType, this.region, 'karpenter.sh/nodepool', { 'karpenter.sh/capacity-type': 'on-demand' }));
  }
}

export class FixedCapacity implements CapacityModel {
  readonly kind = 'fixed' as const;
  readonly nodeStartSeconds = 0;
  describe(): string {
    return 'the nodes given; nothing adds nodes';
  }
  initialNodes() {
    return [];
  }
  candidates(): NodeTemplate[] {
    return [];
  }
}
