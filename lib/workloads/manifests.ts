import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/schema';
import { EfsStorageClassChart } from '../storage/storage-class';
import { MonitoringChart } from './monitoring/chart';
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
  /** vmagent, vmalert and Alertmanager watching the cluster (Helm-installed parts: WorkloadsStack). */
  readonly monitoring: MonitoringChart;
}

/** Builds the platform's charts in a cdk8s app; one definition serves the stacks, `dist/` and the drill. */
export function buildPlatformCharts(app: Construct, config: PlatformConfig, fileSystemId: string): PlatformCharts {
  return {
    storage: new EfsStorageClassChart(app, 'storage', { fileSystemId }),
    victoriametrics: new VictoriaMetricsChart(app, 'victoriametrics', { config }),
    monitoring: new MonitoringChart(app, 'monitoring', { config }),
  };
}

/**
 * Every Kubernetes object of the platform as plain JSON (for the drill and the tests), or only
 * those of the charts named in `only`.
 */
export function renderPlatformManifests(
  config: PlatformConfig,
  fileSystemId = FILE_SYSTEM_ID_VARIABLE,
  only?: ReadonlyArray<keyof PlatformCharts>,
): Array<Record<string, any>> {
  const charts = buildPlatformCharts(new cdk8s.App(), config, fileSystemId);
  return Object.entries(charts)
    .filter(([name]) => !only || only.includes(name as keyof PlatformCharts))
    .flatMap(([, chart]: [string, cdk8s.Chart]) => chart.toJson());
}

/** Writes the platform's Kubernetes YAML, one file per chart, for GitOps users. */
export function writePlatformManifests(config: PlatformConfig, outdir: string): void {
  const app = new cdk8s.App({ outdir, outputFileExtension: '.yaml' });
  buildPlatformCharts(app, config, FILE_SYSTEM_ID_VARIABLE);
  app.synth();
}
