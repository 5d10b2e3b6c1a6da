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

/** One environment's template, for a project with just that environment. */
export function envTemplate(
  props: Partial<EnvironmentProps> = {}, extra: (project: Project, service: Service, env: Environment) => void = () => {},
): Template {
  const files = synthTemplates((project, service) => {
    const env = new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', ...props });
    extra(project, service, env);
  });
  return template(files, 'infra/prod.template.json');
}

/** Run `build`, expecting a ShipshapeError: returns it and the files the failed synthesis wrote (none expected). */
export function synthFailure(build: (project: Project) => void): { error: Error; files: string[] } {
  const { error, written } = rejectedInEmptyDir('shop', build);
  return { error, files: written };
}

export const DOMAIN = { name: 'api.example.com', hostedZoneId: 'ZTESTZONE' };
