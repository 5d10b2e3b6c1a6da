import { stackTargets, synthesizeTemplates } from './cloudformation/templates';
import { toJson } from './core/serialize';
import { renderDockerfile, renderDockerignore } from './docker/render';
import { ActionPins } from './github/pins';
import { renderWorkflow } from './github/render';
import type { ProjectModel, RenderedFile } from './model';
import { renderMonitoringDocs } from './monitoring/docs/render';

export interface RenderOptions {
  readonly cloudFormationValidation: boolean;
}

const TEMPLATE_HEAD = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Rules', 'Resources', 'Outputs'];

/** Every output of a validated model, in a fixed order. Pure apart from aws-cdk-lib's temp dir. */
export function renderProject(model: ProjectModel, options: RenderOptions): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const image of model.images) {
    files.push({ path: image.dockerfilePath, source: image.path, content: renderDockerfile(image.dockerfile, model.header) });
    const ignorePath = image.contextPath === '.' ? '.dockerignore' : `${image.contextPath.replace(/\/$/, '')}/.dockerignore`;
    files.push({ path: ignorePath, source: image.path, content: renderDockerignore(image.dockerignore, model.header) });
  }
  for (const pipeline of model.pipelines) {
    const content = renderWorkflow(pipeline.workflow, ActionPins.fromTable(pipeline.pins), model.header);
    files.push({ path: pipeline.filePath, source: pipeline.path, content });
  }
  const templates = synthesizeTemplates(model, { validation: options.cloudFormationValidation });
  for (const target of stackTargets(model)) {
    const template = templates.get(target.filePath)!;
    const content = toJson(template, (p) => (p.length === 0 ? TEMPLATE_HEAD : undefined));
    files.push({ path: target.filePath, source: target.environment.path, content });
  }
  files.push(...renderMonitoringDocs(model));
  return files;
}
