import { Template } from 'aws-cdk-lib/assertions';
import { Project } from 'projen';
import { Environment, EnvironmentProps, Service, ServiceProps, Shipshape } from '../src';
import { rejectedInEmptyDir } from './util';
import { synthSnapshot } from '../src/testing/synth';

/** A project with one service; `build` adds environments and the rest. Template validation is off (behaviour tests). */
export function synthTemplates(
  build: (project: Project, service: Service) => void, serviceProps: ServiceProps = {},
): Record<string, string> {
  return synthSnapshot((outdir) => {
    const project = new Project({ name: 'shop', outdir });
    Shipshape.configure(project, { cloudFormationValidation: false });
    build(project, new Service(project, 'api', serviceProps));
    return project;
  });
}

/** The parsed template of one file. */
export function template(files: Record<string, string>, file: string): Template {
  const text = files[file];
  if (text === undefined) throw new Error(`no ${file} in ${Object.keys(files).join(', ')}`);
  return Template.fromJSON(JSON.parse(text));
}

/**
 * The environment stack's and one workload stack's templates as one, for assertions about everything one service
 * runs on (their logical ids do not overlap: the workload stack imports the shared pieces, it does not create them).
 */
export function mergedTemplate(files: Record<string, string>, env: string, workload = 'api'): Template {
  const parts = [`infra/${env}.template.json`, `infra/${workload}-${env}.template.json`].map((f) => {
    if (files[f] === undefined) throw new Error(`no ${f} in ${Object.keys(files).join(', ')}`);
    return JSON.parse(files[f]) as Record<string, Record<string, unknown> | undefined>;
  });
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [section, value] of Object.entries(part)) {
      if (value === null || typeof value !== 'object') continue;
      for (const id of Object.keys(value)) if (merged[section]?.[id] !== undefined) throw new Error(`${section}.${id} is in both templates`);
      merged[section] = { ...merged[section], ...value };
    }
  }
  return Template.fromJSON(merged);
}

/** One environment's templates (the environment stack and the service's, merged), for a project with just that environment. */
export function envTemplate(
  props: Partial<EnvironmentProps> = {}, extra: (project: Project, service: Service, env: Environment) => void = () => {},
): Template {
  const files = synthTemplates((project, service) => {
    const env = new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', ...props });
    extra(project, service, env);
  });
  return mergedTemplate(files, 'prod');
}

/** Run `build`, expecting a ShipshapeError: returns it and the files the failed synthesis wrote (none expected). */
export function synthFailure(build: (project: Project) => void): { error: Error; files: string[] } {
  const { error, written } = rejectedInEmptyDir('shop', build);
  return { error, files: written };
}

export const DOMAIN = { name: 'api.example.com', hostedZoneId: 'ZTESTZONE' };
