/** Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), enough for cpu, memory and pods: one parser for the config checks, the charts and the drill. */

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

const PATTERN = /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(?:[eE]([+-]?[0-9]+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** Parses a quantity to its value in base units; throws on malformed input. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = PATTERN.exec(q.trim());
  if (!m) throw new Error(`"${q}" is not a Kubernetes quantity (e.g. "500m", "2", "512Mi", "4Gi")`);
  const base = Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1);
  return base * SUFFIX[m[3] ?? ''];
}

/** CPU in millicores, rounded up as the API server does. */
export function cpuMillis(q: string | number | undefined): number {
  if (q === undefined) return 0;
  return Math.ceil(parseQuantity(q) * 1000 - 1e-9);
}

/** Memory in bytes. */
export function memoryBytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  return Math.ceil(parseQuantity(q));
}

export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function formatMemory(bytes: number): string {
  const gi = bytes / 1024 ** 3;
  if (gi >= 1) return `${Number(gi.toFixed(1))}Gi`;
  return `${Math.round(bytes / 1024 ** 2)}Mi`;
}
