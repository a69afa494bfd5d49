/** Entry points of the drill: the platform from a config, or any manifests on given nodes. */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../config/load';
import { DrillResult, runDrill } from './drill';
import { parseManifests, readManifests, readNodes } from './input';
import { platformCapacity, platformNodes, platformObjects } from './platform';
import { renderMarkdown } from './report/markdown';
import { renderSvg } from './report/svg';

export { runDrill } from './drill';
export type { DrillResult, ScenarioResult } from './drill';
export { explain } from './explain';

export function drillPlatform(configNameOrPath = 'default', options: { keepPlacement?: boolean } = {}): DrillResult {
  const config = loadConfig(configNameOrPath);
  const capacity = platformCapacity(config);
  return runDrill({ manifests: parseManifests(platformObjects(config)), nodes: platformNodes(config, capacity), capacity, keepPlacement: options.keepPlacement });
}

export function drillManifests(manifestsPath: string, nodesPath: string): DrillResult {
  return runDrill({ manifests: readManifests(manifestsPath), nodes: readNodes(nodesPath) });
}

/** Writes report.md, report.json and one SVG per loss scenario; returns the Markdown. */
export function writeReport(r: DrillResult, outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const pictures: Record<string, string> = {};
  const steady = r.scenarios.find((s) => s.id === 'steady')?.phases[0];
  for (const s of r.scenarios) {
    if (s.id === 'steady' || !steady) continue;
    const after = s.phases.find((p) => p.name.startsWith('evicted')) ?? s.phases[s.phases.length - 1];
    const file = `${s.id}.svg`;
    fs.writeFileSync(path.join(outDir, file), renderSvg(s.title, steady, after));
    pictures[s.id] = file;
  }
  const md = renderMarkdown(r, pictures);
  fs.writeFileSync(path.join(outDir, 'report.md'), md);
  fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(r, null, 2) + '\n');
  return md;
}
