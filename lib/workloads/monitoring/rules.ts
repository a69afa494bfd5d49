import * as fs from 'fs';
import * as path from 'path';

/**
 * The alert and recording rules are files in the repository's `rules/` folder, where promtool
 * tests them (test/rules) and reviewers read them as YAML. vmalert gets them, unchanged, from
 * a ConfigMap built from this folder at synth time.
 */
export const RULES_DIR = path.join(__dirname, '..', '..', '..', 'rules');

/** Every `rules/*.yml` file by name, in name order, as text. */
export function loadRuleFiles(dir: string = RULES_DIR): Record<string, string> {
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  return Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]));
}
