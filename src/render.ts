import { synthesizeTemplates, templateFiles, templateSizeProblems } from './cloudformation/templates';
import { renderCompose } from './compose/render';
import { throwIfAny } from './core/errors';
import { toJson } from './core/serialize';
import { renderDockerfile, renderDockerignore } from './docker/render';
import { renderPipeline } from './github/render-pipeline';
import type { ProjectModel, RenderedFile } from './model';
import { renderMonitoringDocs } from './monitoring/docs/render';
import { withTemplateCache } from './template-cache';

export interface RenderOptions {
  readonly cloudFormationValidation: boolean;
  /** The project's root, where the template cache lives. @default - no cache */
  readonly projectDir?: string;
  /** @default true */
  readonly cache?: boolean;
  /** Where cache writes are queued until the whole synthesis has passed. @default - written at once */
  readonly deferredWrites?: Array<() => void>;
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
  for (const compose of model.composes) {
    files.push({ path: compose.filePath, source: compose.path, content: renderCompose(compose, model.header) });
  }
  for (const pipeline of model.pipelines) files.push(...renderPipeline(pipeline, model.header));
  const cacheOptions = {
    projectDir: options.projectDir,
    validation: options.cloudFormationValidation,
    enabled: options.cache,
    deferredWrites: options.deferredWrites,
  };
  const templates = withTemplateCache(model, cacheOptions, () => {
    const built = synthesizeTemplates(model, { validation: options.cloudFormationValidation });
    // One-space indent, as the AWS CDK writes templates. The pipeline deploys them through S3 (up to 1,000,000 bytes).
    return new Map([...built].map(([file, template]) => [file, toJson(template, (p) => (p.length === 0 ? TEMPLATE_HEAD : undefined), 1)]));
  });
  throwIfAny(templateSizeProblems(model, templates));
  for (const target of templateFiles(model)) {
    files.push({ path: target.filePath, source: target.source, content: templates.get(target.filePath)! });
  }
  files.push(...renderMonitoringDocs(model));
  return files;
}
