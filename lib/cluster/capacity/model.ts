import type { PlatformConfig } from '../../config/schema';
import { cpuMillis, memoryBytes } from '../../quantity';
import { forPods, NodeShape, nodeShape } from './instance-types';

/**
 * The capacity of the cluster as plain data, and the arithmetic that decides whether it holds
 * the platform after losing one AZ. Pure functions of the configuration, so the config loader
 * (lib/config) and the drill (lib/drill) read the same model the CDK code builds.
 */

/** One managed node group, pinned to one AZ. */
export interface NodeGroupPlan {
  readonly name: string;
  readonly zone: string;
  /** `workload`: scaled by cluster-autoscaler; `system`: fixed size, runs Karpenter and CoreDNS. */
  readonly role: 'workload' | 'system';
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { key: string; value?: string; effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule' }[];
}

/** One Karpenter NodePool. */
export interface NodePoolPlan {
  readonly name: string;
  /** The AZs the NodePool may launch into (its zone requirement). */
  readonly zones: readonly string[];
  readonly capacityTypes: readonly ('on-demand' | 'spot')[];
  readonly instanceCategories: readonly string[];
  readonly minInstanceGeneration: number;
  /** `spec.limits`: all the NodePool's nodes together never exceed these. */
  readonly limits: { readonly cpuMillis: number; readonly memoryBytes: number };
}

/** What can add nodes in one AZ while a set of AZs is up. */
export interface ZoneCapacity {
  readonly zone: string;
  /** Node groups that can grow here: only this AZ's own, up to their max size. */
  readonly nodeGroups: readonly NodeGroupPlan[];
  /** NodePools that can launch here: any whose zones include this AZ, within their limits. */
  readonly nodePools: readonly NodePoolPlan[];
}

export interface CapacityPlan {
  readonly mode: 'nodegroups' | 'karpenter';
  readonly nodeGroups: readonly NodeGroupPlan[];
  readonly nodePools: readonly NodePoolPlan[];
  /**
   * Per AZ, what can add nodes there while `zonesUp` are up (default: every AZ): nothing in an
   * AZ that is down; a node group only in its own AZ up to `maxSize`; a NodePool in any of its
   * AZs that is up, up to its `limits` (which also count the nodes left in a lost AZ until
   * their NodeClaims are deleted).
   */
  addableIn(zone: string, zonesUp?: readonly string[]): ZoneCapacity;
}

export const SYSTEM_NODE_LABEL = 'vm-multiaz/node-role';
export const KARPENTER_NODEPOOL = 'platform';

/** The node groups and NodePools `config` builds, as data. */
export function capacityOf(config: PlatformConfig): CapacityPlan {
  const c = config.capacity;
  const zones = config.availabilityZones;
  const nodeGroups: NodeGroupPlan[] =
    c.mode === 'nodegroups'
      ? zones.map((zone) => ({
          name: `${config.clusterName}-${zone}`,
          zone,
          role: 'workload',
          instanceTypes: c.nodeGroups.instanceTypes,
          minSize: c.nodeGroups.minSizePerAz,
          desiredSize: c.nodeGroups.desiredSizePerAz,
          maxSize: c.nodeGroups.maxSizePerAz,
          labels: { 'topology.kubernetes.io/zone': zone, [SYSTEM_NODE_LABEL]: 'workload' },
          taints: [],
        }))
      : zones.map((zone) => ({
          name: `${config.clusterName}-system-${zone}`,
          zone,
          role: 'system',
          instanceTypes: c.systemNodeGroups.instanceTypes,
          minSize: c.systemNodeGroups.sizePerAz,
          desiredSize: c.systemNodeGroups.sizePerAz,
          maxSize: c.systemNodeGroups.sizePerAz,
          labels: { 'topology.kubernetes.io/zone': zone, [SYSTEM_NODE_LABEL]: 'system' },
          // Only pods that tolerate CriticalAddonsOnly (Karpenter, CoreDNS) land here; everything
          // else goes to Karpenter's nodes.
          taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }],
        }));
  const nodePools: NodePoolPlan[] =
    c.mode === 'karpenter'
      ? [
          {
            name: KARPENTER_NODEPOOL,
            zones,
            capacityTypes: c.karpenter.capacityTypes,
            instanceCategories: c.karpenter.instanceCategories,
            minInstanceGeneration: c.karpenter.minInstanceGeneration,
            limits: { cpuMillis: Number(c.karpenter.limits.cpu) * 1000, memoryBytes: memoryBytes(c.karpenter.limits.memory) },
          },
        ]
      : [];
  return {
    mode: c.mode,
    nodeGroups,
    nodePools,
    addableIn(zone, zonesUp = zones) {
      const up = zonesUp.includes(zone);
      return {
        zone,
        nodeGroups: up ? nodeGroups.filter((g) => g.zone === zone && g.role === 'workload') : [],
        nodePools: up ? nodePools.filter((p) => p.zones.includes(zone)) : [],
      };
    },
  };
}

/** A pod the platform runs, by its requests; `group` names pods spread one per node (host spread). */
export interface PodDemand {
  readonly name: string;
  readonly group: string;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}


/** CoreDNS replicas: one per AZ at least, and never fewer than 2. */
export function coreDnsReplicas(azCount: number): number {
  return Math.max(azCount, 2);
}

/** CoreDNS's requests as the EKS add-on sets them. */
const COREDNS = { cpuMillis: 100, memoryBytes: 70 * 1024 ** 2 };
/** cluster-autoscaler's requests as lib/cluster/capacity/cluster-autoscaler.ts sets them. */
export const CLUSTER_AUTOSCALER_RESOURCES = { cpu: '100m', memory: '600Mi', replicas: 2 };

/**
 * The pods that must run for the platform to serve: every vmstorage shard, vminsert and
 * vmselect replica, and, where they run on the same nodes (node-group mode), CoreDNS and
 * cluster-autoscaler. In Karpenter mode CoreDNS and Karpenter run on the system node groups.
 */
export function platformPods(config: PlatformConfig): PodDemand[] {
  const vm = config.victoriametrics;
  const pods: PodDemand[] = [];
  const add = (group: string, count: number, cpu: string, memory: string) => {
    for (let i = 0; i < count; i++) pods.push({ name: `${group}-${i}`, group, cpuMillis: cpuMillis(cpu), memoryBytes: memoryBytes(memory) });
  };
  // Each shard is its own Deployment, so shards are not spread against each other.
  for (let i = 0; i < vm.vmstorage.shards; i++) add(`vmstorage-${i}`, 1, vm.vmstorage.resources.cpu, vm.vmstorage.resources.memory);
  add('vminsert', vm.vminsert.replicas, vm.vminsert.resources.cpu, vm.vminsert.resources.memory);
  add('vmselect', vm.vmselect.replicas, vm.vmselect.resources.cpu, vm.vmselect.resources.memory);
  if (config.capacity.mode === 'nodegroups') {
    add('coredns', coreDnsReplicas(config.availabilityZones.length), `${COREDNS.cpuMillis}m`, `${COREDNS.memoryBytes / 1024 ** 2}Mi`);
    add('cluster-autoscaler', CLUSTER_AUTOSCALER_RESOURCES.replicas, CLUSTER_AUTOSCALER_RESOURCES.cpu, CLUSTER_AUTOSCALER_RESOURCES.memory);
  }
  return pods;
}

/**
 * First-fit decreasing: places `pods` on nodes of `shape` (less the DaemonSet allowance),
 * never two pods of one group on a node (the platform's host spread), opening nodes as needed.
 * Returns how many nodes it used. A packing heuristic: if it fits, the pods fit; the scheduler
 * spreads rather than packs, which the slack in `maxSizePerAz` has to absorb.
 */
export function nodesNeeded(pods: readonly PodDemand[], shape: NodeShape): number | undefined {
  const { cpuMillis: cpu, memoryBytes: mem } = forPods(shape);
  const sorted = [...pods].sort((a, b) => Math.max(b.cpuMillis / cpu, b.memoryBytes / mem) - Math.max(a.cpuMillis / cpu, a.memoryBytes / mem) || a.name.localeCompare(b.name));
  const nodes: { cpu: number; mem: number; groups: Set<string> }[] = [];
  for (const pod of sorted) {
    if (pod.cpuMillis > cpu || pod.memoryBytes > mem) return undefined;
    let node = nodes.find((n) => n.cpu >= pod.cpuMillis && n.mem >= pod.memoryBytes && !n.groups.has(pod.group));
    if (!node) {
      node = { cpu, mem, groups: new Set() };
      nodes.push(node);
    }
    node.cpu -= pod.cpuMillis;
    node.mem -= pod.memoryBytes;
    node.groups.add(pod.group);
  }
  return nodes.length;
}

export interface HeadroomVerdict {
  readonly ok: boolean;
  /** Why not, naming what to change; empty when ok or when the check could not be made. */
  readonly message: string;
  /** Set when the check was skipped (an instance type the model does not know). */
  readonly skipped?: string;
}

/**
 * Node groups: after losing one of N AZs, the platform's pods must fit on the other N-1 AZs'
 * groups at `maxSizePerAz` nodes each, nodes of the smallest listed instance type.
 */
export function nodeGroupHeadroom(config: PlatformConfig): HeadroomVerdict {
  const c = config.capacity;
  if (c.mode !== 'nodegroups') return { ok: true, message: '' };
  const shapes = c.nodeGroups.instanceTypes.map(nodeShape);
  if (shapes.some((s) => s === undefined)) {
    return { ok: true, message: '', skipped: `instance types ${c.nodeGroups.instanceTypes.join(', ')} are not all in the headroom model` };
  }
  const smallest = (shapes as NodeShape[]).reduce((a, b) => (b.cpuMillis * b.memoryBytes < a.cpuMillis * a.memoryBytes ? b : a));
  const surviving = config.availabilityZones.length - 1;
  const pods = platformPods(config);
  const needed = nodesNeeded(pods, smallest);
  if (needed === undefined) {
    const big = pods.reduce((a, b) => (b.cpuMillis + b.memoryBytes / 2 ** 20 > a.cpuMillis + a.memoryBytes / 2 ** 20 ? b : a));
    return { ok: false, message: `a ${big.group} pod does not fit on one ${smallest.instanceType} node (after DaemonSets); use a larger instance type` };
  }
  const available = surviving * c.nodeGroups.maxSizePerAz;
  if (needed > available) {
    return {
      ok: false,
      message:
        `after losing one AZ the platform's ${pods.length} pods need ${needed} ${smallest.instanceType} nodes, but the other ${surviving} AZs hold at most ` +
        `${surviving} x ${c.nodeGroups.maxSizePerAz} = ${available}; set maxSizePerAz to at least ${Math.ceil(needed / surviving)}`,
    };
  }
  return { ok: true, message: '' };
}

/**
 * Share of a Karpenter node's capacity that pods can use once kube-reserved, DaemonSets and
 * imperfect packing are taken off; limits are sized with it.
 */
export const KARPENTER_PACKING = 0.75;

/**
 * Karpenter: `spec.limits` count every node of the NodePool, including a lost AZ's nodes until
 * their NodeClaims are deleted. Losing one of N AZs therefore needs room for the whole platform
 * in the surviving AZs plus the lost AZ's 1/N share still counted: requests x (1 + 1/N),
 * divided by the packing share.
 */
export function karpenterHeadroom(config: PlatformConfig): { cpu: HeadroomVerdict; memory: HeadroomVerdict } {
  const c = config.capacity;
  if (c.mode !== 'karpenter') return { cpu: { ok: true, message: '' }, memory: { ok: true, message: '' } };
  const n = config.availabilityZones.length;
  const pods = platformPods(config);
  const factor = (1 + 1 / n) / KARPENTER_PACKING;
  const cpuNeeded = Math.ceil((pods.reduce((s, p) => s + p.cpuMillis, 0) * factor) / 1000);
  const memNeededGi = Math.ceil((pods.reduce((s, p) => s + p.memoryBytes, 0) * factor) / 1024 ** 3);
  const cpuHave = Number(c.karpenter.limits.cpu);
  const memHaveGi = memoryBytes(c.karpenter.limits.memory) / 1024 ** 3;
  const why = `the platform's requests x (1 + 1/${n}) for the lost AZ's nodes still counted, / ${KARPENTER_PACKING} packing`;
  return {
    cpu: cpuHave >= cpuNeeded ? { ok: true, message: '' } : { ok: false, message: `${cpuHave} vCPU cannot hold the platform after losing an AZ (${why}); set it to at least "${cpuNeeded}"` },
    memory:
      memHaveGi >= memNeededGi ? { ok: true, message: '' } : { ok: false, message: `${c.karpenter.limits.memory} cannot hold the platform after losing an AZ (${why}); set it to at least "${memNeededGi}Gi"` },
  };
}

