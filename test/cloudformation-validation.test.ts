/**
 * AWS's CloudFormation validator runs during synthesis (in a worker thread, while the stacks synthesize) on the
 * exact text that is written. A template it rejects stops synthesis before any file is written.
 */
import { Environment, Service, Shipshape } from '../src';
import { bareProject, expectRejected } from './util';
import { synthSnapshot } from '../src/testing/synth';

jest.setTimeout(120_000);

test('GIVEN an override the validator rejects WHEN synthesizing with validation on THEN a clear error names the environment and nothing is written', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir, 'shop');
    Shipshape.configure(p, { cloudFormationValidation: true, cache: false });
    new Service(p, 'api');
    const prod = new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    prod.addOverride('Service', 'Properties.DesiredCountt', 2);
    return p;
  });
  expect(err.code).toBe('SS-CFN-VALIDATE');
  expect(err.path).toBe('shop/prod');
  expect(err.property).toBe('Properties.DesiredCountt');
  expect(err.got).toMatch(/DesiredCountt/);
  expect(err.expected).toMatch(/^a template AWS's CloudFormation validator accepts \(rule [EF]\d+\)$/);
  expect(err.message).toContain('infra/api-prod.template.json:');
});

test('GIVEN a resource type aws-cdk-lib ships extra validation rules for THEN those rules are loaded and a valid template passes', () => {
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir, 'game');
    Shipshape.configure(p, { cloudFormationValidation: true, cache: false });
    new Service(p, 'api');
    const prod = new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    prod.addStackCustomization((stack) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { CfnResource } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
      new CfnResource(stack, 'Alias', { type: 'AWS::GameLift::Alias', properties: { Name: 'game', RoutingStrategy: { Type: 'TERMINAL', Message: 'closed' } } });
    });
    return p;
  });
  expect(files['infra/api-prod.template.json']).toContain('AWS::GameLift::Alias');
});
