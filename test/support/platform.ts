import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig, validateConfig } from '../../lib/config/load';
import { PlatformConfig } from '../../lib/config/schema';
import { buildPlatform, Platform } from '../../lib/platform';

/** The default configuration, changed by `patch` (deep-merged) and validated like a file. */
export function configWith(patch: Record<string, unknown> = {}): PlatformConfig {
  return validateConfig(deepMerge(structuredClone(loadConfig('default')) as Record<string, unknown>, patch), '<test>');
}

/** Builds the platform's stacks for a configuration and returns their templates. */
export function synthPlatform(config: PlatformConfig = loadConfig('default')): Platform & { templates: Record<keyof Platform, Template> } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const platform = buildPlatform(app, config);
  const templates = Object.fromEntries(
    Object.entries(platform).map(([name, stack]) => [name, Template.fromStack(stack)]),
  ) as Record<keyof Platform, Template>;
  return { ...platform, templates };
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    const existing = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)) {
      deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
  return target;
}
