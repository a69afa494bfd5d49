/**
 * Allocatable cpu, memory and pods of common EC2 instance types as EKS AL2023 nodes report them.
 *
 * - max pods: the VPC CNI ENI formula, ENIs x (IPv4 addresses per ENI - 1) + 2
 *   (amazon-eks-ami, templates/shared/runtime/eni-max-pods.txt; ENI limits from the EC2 user guide,
 *   "Maximum IP addresses per network interface").
 * - kube-reserved, as nodeadm computes it (amazon-eks-ami, nodeadm/internal/kubelet/config.go):
 *   memory 11 MiB x maxPods + 255 MiB; cpu 6% of the first core, 1% of the second, 0.5% of
 *   cores 3-4, 0.25% of every further core. Eviction threshold memory.available < 100Mi.
 * - memory capacity: EC2 nominal GiB less ~3% the kernel keeps (kubelet reports MemTotal); this is
 *   an approximation, so pass real Node objects (`--nodes`) when margins are tight.
 */
const GI = 1024 ** 3;
const MI = 1024 ** 2;

interface Shape {
  vcpu: number;
  memGiB: number;
  enis: number;
  ipsPerEni: number;
}

// size -> [vcpu, ENIs, IPv4 per ENI]; memory per vCPU by family below.
const SIZES: Record<string, [number, number, number]> = {
  large: [2, 3, 10],
  xlarge: [4, 4, 15],
  '2xlarge': [8, 4, 15],
  '4xlarge': [16, 8, 30],
  '8xlarge': [32, 8, 30],
  '12xlarge': [48, 8, 30],
  '16xlarge': [64, 15, 50],
};
const MEM_PER_VCPU: Record<string, number> = { m5: 4, m6i: 4, m7i: 4, m6a: 4, m7a: 4, m7g: 4, c5: 2, c6i: 2, c7i: 2, c7g: 2, r5: 8, r6i: 8, r7i: 8, r7g: 8 };

export interface InstanceAllocatable {
  readonly instanceType: string;
  readonly vcpu: number;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

function shape(instanceType: string): Shape | undefined {
  const [family, size] = instanceType.split('.');
  const s = SIZES[size];
  const perCpu = MEM_PER_VCPU[family];
  if (!s || !perCpu) return undefined;
  return { vcpu: s[0], memGiB: s[0] * perCpu, enis: s[1], ipsPerEni: s[2] };
}

export function knownInstanceTypes(): string[] {
  return Object.keys(MEM_PER_VCPU).flatMap((f) => Object.keys(SIZES).map((s) => `${f}.${s}`));
}

export function cpuReservedMillis(vcpu: number): number {
  let r = 0;
  for (let core = 1; core <= vcpu; core++) r += core === 1 ? 60 : core === 2 ? 10 : core <= 4 ? 5 : 2.5;
  return Math.ceil(r);
}

export function instanceAllocatable(instanceType: string): InstanceAllocatable {
  const s = shape(instanceType);
  if (!s) throw new Error(`unknown instance type "${instanceType}"; known: ${knownInstanceTypes().join(', ')}`);
  const pods = s.enis * (s.ipsPerEni - 1) + 2;
  const capacity = Math.floor(s.memGiB * GI * 0.97);
  const memory = capacity - (11 * pods + 255) * MI - 100 * MI;
  return { instanceType, vcpu: s.vcpu, cpuMillis: s.vcpu * 1000 - cpuReservedMillis(s.vcpu), memoryBytes: memory, pods };
}
