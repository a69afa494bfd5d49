/**
 * What an EKS AL2023 node of a given instance type offers to pods, for the headroom checks of
 * the configuration (no AWS API call: `cdk synth` stays offline).
 *
 * - max pods: the VPC CNI ENI formula, ENIs x (IPv4 addresses per ENI - 1) + 2
 *   (amazon-eks-ami, templates/shared/runtime/eni-max-pods.txt).
 * - kube-reserved as nodeadm computes it (amazon-eks-ami, nodeadm/internal/kubelet/config.go):
 *   memory 11 MiB x maxPods + 255 MiB; cpu 6% of the first core, 1% of the second, 0.5% of cores
 *   3-4, 0.25% of every further core; eviction threshold memory.available < 100Mi.
 * - memory capacity: the EC2 nominal GiB less ~3% the kernel keeps.
 *
 * Only the c, m and r families of current generations are known; for any other type the
 * headroom checks are skipped rather than guessed (see README, "Capacity modes").
 */
const GI = 1024 ** 3;
const MI = 1024 ** 2;

// size -> [vCPU, ENIs, IPv4 addresses per ENI]
const SIZES: Record<string, [number, number, number]> = {
  large: [2, 3, 10],
  xlarge: [4, 4, 15],
  '2xlarge': [8, 4, 15],
  '4xlarge': [16, 8, 30],
  '8xlarge': [32, 8, 30],
  '12xlarge': [48, 8, 30],
  '16xlarge': [64, 15, 50],
};
/** GiB of memory per vCPU by instance category. */
const MEMORY_PER_VCPU: Record<string, number> = { c: 2, m: 4, r: 8 };

export interface NodeShape {
  readonly instanceType: string;
  readonly vcpu: number;
  /** Allocatable CPU, millicores. */
  readonly cpuMillis: number;
  /** Allocatable memory, bytes. */
  readonly memoryBytes: number;
  readonly maxPods: number;
}

/** The allocatable resources of `instanceType`, or undefined for a type this table does not know. */
export function nodeShape(instanceType: string): NodeShape | undefined {
  const m = /^([cmr])([5-8])([a-z]*)\.([0-9]*x?large)$/.exec(instanceType);
  if (!m) return undefined;
  const size = SIZES[m[4]];
  if (!size) return undefined;
  const [vcpu, enis, ips] = size;
  const maxPods = enis * (ips - 1) + 2;
  const memory = Math.floor(vcpu * MEMORY_PER_VCPU[m[1]] * GI * 0.97) - (11 * maxPods + 255) * MI - 100 * MI;
  return { instanceType, vcpu, cpuMillis: vcpu * 1000 - cpuReservedMillis(vcpu), memoryBytes: memory, maxPods };
}

function cpuReservedMillis(vcpu: number): number {
  let reserved = 0;
  for (let core = 1; core <= vcpu; core++) reserved += core === 1 ? 60 : core === 2 ? 10 : core <= 4 ? 5 : 2.5;
  return Math.ceil(reserved);
}

/**
 * What the DaemonSets of every node request (aws-node 25m, kube-proxy 100m, the EFS CSI node
 * plugin and the Pod Identity agent): an allowance, rounded up, subtracted from every node.
 */
export const DAEMONSET_ALLOWANCE = { cpuMillis: 200, memoryBytes: 256 * 1024 ** 2 };

/** A node's room for the platform's pods: its allocatable less the DaemonSet allowance. */
export function forPods(shape: NodeShape): NodeShape {
  return { ...shape, cpuMillis: shape.cpuMillis - DAEMONSET_ALLOWANCE.cpuMillis, memoryBytes: shape.memoryBytes - DAEMONSET_ALLOWANCE.memoryBytes };
}
