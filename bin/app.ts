#!/usr/bin/env node
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from '../lib/config/load';
import { buildPlatform } from '../lib/platform';
import { writePlatformManifests } from '../lib/workloads/manifests';

const app = new App();
const configName = String(app.node.tryGetContext('config') ?? 'default');

let config;
try {
  config = loadConfig(configName);
} catch (e) {
  if (e instanceof ConfigError) {
    // A clear message and no stack trace: the file is wrong, not the program.
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}

buildPlatform(app, config);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
writePlatformManifests(config, path.join(__dirname, '..', 'dist', config.clusterName));
