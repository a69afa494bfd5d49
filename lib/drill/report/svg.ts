/** An SVG picture of AZs, nodes and pods before and after a loss. */
import { PhaseView } from '../drill';

const COLORS: Record<string, string> = { vmstorage: '#d62728', vminsert: '#1f77b4', vmselect: '#2ca02c', other: '#999999' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(p: PhaseView, x0: number, y0: number, title: string): { svg: string; w: number; h: number } {
  const zones = [...new Set(p.nodes.map((n) => n.zone))].sort();
  const colW = 230;
  const nodeH = 34;
  const parts: string[] = [`<text x="${x0}" y="${y0 + 14}" font-size="14" font-weight="bold">${esc(title)} (t=${p.t}s)</text>`];
  let maxRows = 0;
  zones.forEach((z, zi) => {
    const x = x0 + zi * colW;
    const nodes = p.nodes.filter((n) => n.zone === z);
    const shown = nodes.slice(0, 12);
    maxRows = Math.max(maxRows, shown.length + (nodes.length > 12 ? 1 : 0));
    const down = nodes.length > 0 && nodes.every((n) => !n.ready);
    parts.push(`<rect x="${x}" y="${y0 + 22}" width="${colW - 10}" height="${(Math.min(nodes.length, 12) + (nodes.length > 12 ? 1 : 0)) * nodeH + 28}" fill="${down ? '#fbeaea' : '#f4f6fa'}" stroke="#8899aa"/>`);
    parts.push(`<text x="${x + 6}" y="${y0 + 40}" font-size="12">${esc(z)}${down ? ' (down)' : ''}</text>`);
    shown.forEach((n, ni) => {
      const y = y0 + 48 + ni * nodeH;
      parts.push(`<rect x="${x + 6}" y="${y}" width="${colW - 22}" height="${nodeH - 6}" fill="${n.ready ? '#ffffff' : '#eeeeee'}" stroke="${n.ready ? '#557' : '#c33'}" stroke-dasharray="${n.ready ? '' : '4 2'}"/>`);
      parts.push(`<text x="${x + 10}" y="${y + 11}" font-size="8">${esc(n.name.length > 34 ? '…' + n.name.slice(-33) : n.name)}${n.tainted ? ' NotReady' : ''}${n.added ? ' +new' : ''}</text>`);
      const pods = p.placement?.[n.name] ?? [];
      pods.slice(0, 20).forEach((pod, pi) => {
        const c = COLORS[pod.component] ?? COLORS.other;
        parts.push(`<circle cx="${x + 14 + pi * 10}" cy="${y + 20}" r="4" fill="${pod.terminating ? 'none' : c}" stroke="${c}"><title>${esc(pod.pod)}${pod.terminating ? ' (terminating)' : ''}</title></circle>`);
      });
    });
    if (nodes.length > 12) parts.push(`<text x="${x + 10}" y="${y0 + 48 + 12 * nodeH + 12}" font-size="10">+${nodes.length - 12} more nodes</text>`);
  });
  if (p.pending.length) parts.push(`<text x="${x0}" y="${y0 + 48 + maxRows * nodeH + 20}" font-size="11" fill="#c33">${p.pending.length} Pending</text>`);
  return { svg: parts.join('\n'), w: zones.length * colW, h: 48 + maxRows * nodeH + 30 };
}

export function renderSvg(title: string, before: PhaseView, after: PhaseView): string {
  const a = panel(before, 10, 30, 'before');
  const b = panel(after, 10, 30 + a.h + 20, `after: ${after.name}`);
  const w = Math.max(a.w, b.w) + 20;
  const h = 30 + a.h + 20 + b.h + 30;
  const legend = Object.entries(COLORS)
    .map(([k, c], i) => `<circle cx="${20 + i * 90}" cy="${h - 12}" r="4" fill="${c}"/><text x="${28 + i * 90}" y="${h - 8}" font-size="10">${k}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<text x="10" y="18" font-size="16" font-weight="bold">${esc(title)}</text>
${a.svg}
${b.svg}
${legend}<text x="${30 + 4 * 90}" y="${h - 8}" font-size="10">hollow: terminating</text>
</svg>
`;
}
