import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { EnvironmentModel, ProjectModel, ServiceModel } from '../model';
import type { CloudFormationTemplate } from './stack';

/** Options of template synthesis. */
export interface TemplateSynthOptions {
  /** Run aws-cdk-lib's built-in CloudFormation validator on every template. */
  readonly validation: boolean;
}

/** One environment stack of one service. */
export interface StackTarget {
  readonly service: ServiceModel;
  readonly environment: EnvironmentModel;
  readonly stackName: string;
  readonly filePath: string;
}

/** Which stacks a project has and where their templates go. */
export function stackTargets(model: ProjectModel): StackTarget[] {
  const single = model.services.length === 1;
  const targets: StackTarget[] = [];
  for (const service of model.services) {
    for (const environment of model.environments) {
      targets.push({
        service,
        environment,
        stackName: `${service.name}-${environment.name}`,
        filePath: single ? `infra/${environment.name}.template.json` : `infra/${service.name}-${environment.name}.template.json`,
      });
    }
  }
  return targets;
}

/**
 * Synthesize every environment stack in one in-memory aws-cdk-lib App.
 * aws-cdk-lib is loaded here, and only here, so projects without templates never pay for it.
 */
export function synthesizeTemplates(model: ProjectModel, options: TemplateSynthOptions): Map<string, CloudFormationTemplate> {
  const targets = stackTargets(model);
  const out = new Map<string, CloudFormationTemplate>();
  if (targets.length === 0) return out;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EnvironmentStack } = require('./stack') as typeof import('./stack');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cdk-'));
  try {
    const app = new App({
      outdir,
      analyticsReporting: false,
      treeMetadata: false,
      stackTraces: false,
      performanceReporting: false,
      builtinCloudFormationValidation: options.validation,
    });
    for (const t of targets) {
      const monitoring = model.monitoring.find((m) => m.service === t.service.name);
      new EnvironmentStack(app, t.stackName, { service: t.service, environment: t.environment, project: model.name, monitoring });
    }
    const assembly = app.synth();
    for (const t of targets) out.set(t.filePath, assembly.getStackByName(t.stackName).template as CloudFormationTemplate);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return out;
}
