/**
 * The image registry: one account and region (Shipshape.configure's `registry`, or by default the production
 * environment's), read by the bootstrap stacks, the environment templates and the publish job alike.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { parse } from 'yaml';
import { synthFailure } from './cloudformation-helpers';
import { fixtures } from './fixtures';
import { createProject } from '../examples/node-api/.projenrc';
import { DockerImage, DockerPreset, Environment, Pipeline, Service, Shipshape, ShipshapeError } from '../src';
import { registryEnvironment, registryLocation } from '../src/core/naming';
import { synthSnapshot } from '../src/testing/synth';

/** Where each output says the images live: the publish job's push, each task definition's image, the bootstrap's repositories. */
function registriesOf(files: Record<string, string>): { publish: string[]; templates: string[]; repositories: string[] } {
  const publish: string[] = [];
  const ci = files['.github/workflows/ci.yml'];
  for (const step of ci ? (parse(ci).jobs.publish?.steps ?? []) : []) {
    if (typeof step.with?.tags === 'string') publish.push(/^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\//.exec(step.with.tags)!.slice(1).join('/'));
  }
  const templates: string[] = [];
  const repositories: string[] = [];
  for (const [file, text] of Object.entries(files).filter(([f]) => f.endsWith('.template.json'))) {
    const resources = Object.values(JSON.parse(text).Resources) as Array<{ Type: string; Properties: Record<string, any> }>;
    for (const r of resources.filter((x) => x.Type === 'AWS::ECS::TaskDefinition')) {
      for (const c of r.Properties.ContainerDefinitions) {
        const m = /"(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\./.exec(JSON.stringify(c.Image));
        if (m) templates.push(`${m[1]}/${m[2]}`);
      }
    }
    if (file.includes('bootstrap') && resources.some((x) => x.Type === 'AWS::ECR::Repository')) {
      const bucket = resources.find((x) => x.Type === 'AWS::S3::Bucket')!.Properties.BucketName as string;
      // The template bucket carries the bootstrap stack's account and region: <project>-templates-<account>-<region>.
      repositories.push(/-(\d{12})-([a-z0-9-]+)$/.exec(bucket)!.slice(1).join('/'));
    }
  }
  return { publish: [...new Set(publish)], templates: [...new Set(templates)], repositories };
}

function project(build: (p: Project, api: Service) => void): Record<string, string> {
  return synthSnapshot((outdir) => {
    const p = new Project({ name: 'shop', outdir });
    Shipshape.configure(p, { cloudFormationValidation: false, repository: 'acme/shop' });
    const api = new Service(p, 'api');
    new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
    build(p, api);
    new Pipeline(p, 'ci');
    return p;
  });
}

const threeAccounts = (p: Project) => {
  new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
  new Environment(p, 'prod', { account: '333333333333', region: 'us-east-1' });
  new Environment(p, 'staging', { account: '222222222222', region: 'eu-west-1' });
};

describe('GIVEN no registry chosen', () => {
  test('THEN it is the one production environment\'s account and region, wherever it is declared', () => {
    const files = project((p) => threeAccounts(p));
    expect(registriesOf(files)).toEqual({ publish: ['333333333333/us-east-1'], templates: ['333333333333/us-east-1'], repositories: ['333333333333/us-east-1'] });
  });

  test('THEN without exactly one production environment it is the last declared environment\'s', () => {
    const env = (name: string, order: number, production: boolean, account: string) => ({ name, order, account, region: 'eu-west-1', infrastructure: { production } });
    expect(registryEnvironment([env('dev', 0, false, '111111111111'), env('qa', 1, false, '222222222222')])?.name).toBe('qa');
    expect(registryEnvironment([env('eu', 0, true, '111111111111'), env('us', 1, true, '222222222222'), env('dev', 2, false, '333333333333')])?.name).toBe('dev');
    expect(registryEnvironment([env('dev', 0, false, '111111111111'), env('live', 1, true, '222222222222'), env('qa', 2, false, '333333333333')])?.name).toBe('live');
    expect(registryLocation([])).toBeUndefined();

    const files = project((p) => {
      new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
      new Environment(p, 'qa', { account: '222222222222', region: 'eu-west-1' });
    });
    expect(registriesOf(files)).toEqual({ publish: ['222222222222/eu-west-1'], templates: ['222222222222/eu-west-1'], repositories: ['222222222222/eu-west-1'] });
  });
});

test('GIVEN a registry chosen THEN the bootstrap, the templates and the publish job all use it', () => {
  const files = project((p) => {
    Shipshape.configure(p, { registry: { account: '222222222222', region: 'eu-west-1' } });
    threeAccounts(p);
  });
  expect(registriesOf(files)).toEqual({ publish: ['222222222222/eu-west-1'], templates: ['222222222222/eu-west-1'], repositories: ['222222222222/eu-west-1'] });
  const publish = parse(files['.github/workflows/ci.yml']).jobs.publish;
  expect(publish.steps.find((s: any) => s.name === 'Configure AWS credentials (OIDC)').with)
    .toEqual({ 'role-to-assume': 'arn:aws:iam::222222222222:role/shipshape-shop-publish', 'aws-region': 'eu-west-1' });
});

test('GIVEN the flagship example THEN its images live in the production account, where it publishes and every template pulls', () => {
  const r = registriesOf(synthSnapshot((outdir) => createProject(outdir)));
  expect(r).toEqual({ publish: ['333333333333/eu-west-1'], templates: ['333333333333/eu-west-1'], repositories: ['333333333333/eu-west-1'] });
});

test.each(fixtures)('GIVEN %s THEN the publish job pushes where every template pulls from and where the bootstrap creates the repositories', (_name, build) => {
  const r = registriesOf(synthSnapshot(build));
  expect(new Set([...r.publish, ...r.templates, ...r.repositories]).size).toBeLessThanOrEqual(1);
  expect(r.repositories.length).toBeLessThanOrEqual(1);
});

describe('bad registry input', () => {
  test('a malformed account, an unknown region and an unknown key are reported together, when configured', () => {
    const p = new Project({ name: 'shop', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-registry-')) });
    let error: unknown;
    try {
      Shipshape.configure(p, { registry: { account: '12345', region: 'mars-north-1', acount: '1' } as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShipshapeError);
    const problems = (error as ShipshapeError).problems.map((x) => [x.code, x.property, x.expected.slice(0, 30)]);
    expect(problems).toEqual(expect.arrayContaining([
      ['SS-REGISTRY', 'registry.account', 'a 12-digit AWS account id'],
      ['SS-REGISTRY', 'registry.region', 'a known AWS region (af-south-1'],
      ['SS-REGISTRY', 'registry.acount', 'a known property (acount is no'],
    ]));
    expect(problems).toHaveLength(3);
  });

  test("an account and region no environment uses stops synthesis before anything is written, naming the environments'", () => {
    const { error, files } = synthFailure((p) => {
      Shipshape.configure(p, { registry: { account: '444444444444', region: 'eu-west-1' } });
      new Service(p, 'api');
      new Environment(p, 'dev', { account: '111111111111', region: 'eu-west-1' });
      new Environment(p, 'prod', { account: '333333333333', region: 'us-east-1' });
    });
    expect(error.message).toContain('[shop/Shipshape] registry: must be the account and region of a declared environment (dev: 111111111111/eu-west-1, prod: 333333333333/us-east-1) (got {"account":"444444444444","region":"eu-west-1"}) [SS-REGISTRY]');
    expect(files).toEqual([]);
  });

  test("an environment's account in another region is refused too (the account's bootstrap stack holds one region)", () => {
    const { error } = synthFailure((p) => {
      Shipshape.configure(p, { registry: { account: '333333333333', region: 'eu-west-1' } });
      new Service(p, 'api');
      new Environment(p, 'prod', { account: '333333333333', region: 'us-east-1' });
    });
    expect(error.message).toContain('[SS-REGISTRY]');
  });
});
