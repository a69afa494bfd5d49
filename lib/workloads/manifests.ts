import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/schema';
import { EfsStorageClassChart } from '../storage/storage-class';
import { VictoriaMetricsChart } from './victoriametrics/chart';

/**
 * The EFS file system ID in the plain YAML of `dist/`, where no stack has resolved it yet:
 * a `${VAR}` that Flux's post-build substitution or `envsubst` fills in from the storage
 * stack's `FileSystemId` output.
 */
export const FILE_SYSTEM_ID_VARIABLE = '${EFS_FILE_SYSTEM_ID}';

/** Every cdk8s chart of the platform, in the order they must be applied. */
export interface PlatformCharts {
  readonly storage: EfsStorageClassChart;
  readonly victoriametrics: VictoriaMetricsChart;
}

/** Builds the platform's charts in a cdk8s app; one definition serves the stacks, `dist/` and the drill. */
export function buildPlatformCharts(app: Construct, config: PlatformConfig, fileSystemId: string): PlatformCharts {
  return {
    storage: new EfsStorageClassChart(app, 'storage', { fileSystemId }),
    victoriametrics: new VictoriaMetricsChart(app, 'victoriametrics', { config }),
  };
}

/** Every Kubernetes object of the platform as plain JSON (for the drill and the tests). */
export function renderPlatformManifests(config: PlatformConfig, fileSystemId = FILE_SYSTEM_ID_VARIABLE): Array<Record<string, any>> {
  const charts = buildPlatformCharts(new cdk8s.App(), config, fileSystemId);
  return Object.values(charts).flatMap((chart: cdk8s.Chart) => chart.toJson());
}

/** Writes the platform's Kubernetes YAML, one file per chart, for GitOps users. */
export function writePlatformManifests(config: PlatformConfig, outdir: string): void {
  const app = new cdk8s.App({ outdir, outputFileExtension: '.yaml' });
  buildPlatformCharts(app, config, FILE_SYSTEM_ID_VARIABLE);
  app.synth();
}
