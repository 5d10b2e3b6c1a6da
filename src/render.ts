import { stackTargets, synthesizeTemplates } from './cloudformation/templates';
import { toJson } from './core/serialize';
import { renderDockerfile, renderDockerignore } from './docker/render';
import { renderPipeline } from './github/render-pipeline';
import type { ProjectModel, RenderedFile } from './model';
import { withTemplateCache } from './template-cache';

export interface RenderOptions {
  readonly cloudFormationValidation: boolean;
  /** The project's root, where the template cache lives. @default - no cache */
  readonly projectDir?: string;
  /** @default true */
  readonly cache?: boolean;
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
  for (const pipeline of model.pipelines) files.push(...renderPipeline(pipeline, model.header));
  const cacheOptions = { projectDir: options.projectDir, validation: options.cloudFormationValidation, enabled: options.cache };
  const templates = withTemplateCache(model, cacheOptions, () => {
    const built = synthesizeTemplates(model, { validation: options.cloudFormationValidation });
    return new Map([...built].map(([file, template]) => [file, toJson(template, (p) => (p.length === 0 ? TEMPLATE_HEAD : undefined))]));
  });
  for (const target of stackTargets(model)) {
    files.push({ path: target.filePath, source: target.environment.path, content: templates.get(target.filePath)! });
  }
  return files;
}
