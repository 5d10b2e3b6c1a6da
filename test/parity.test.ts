import { Project } from 'projen';
import { DOMAIN, synthFailure, synthTemplates } from './cloudformation-helpers';
import { Database, DeploymentStrategy, Environment, FeatureFlag, ProdParity, Service } from '../src';

const pair = (project: Project, staging: object, prod: object) => ({
  staging: new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1', ...staging }),
  prod: new Environment(project, 'prod', { account: '210987654321', region: 'eu-west-1', ...prod }),
});

describe('ProdParity: staging mirrors prod', () => {
  test('knobs may differ: scale, domain, account, region, approvals', () => {
    const files = synthTemplates((project) => {
      const { staging, prod } = pair(project,
        { domain: { name: 'staging.example.com', hostedZoneId: 'ZSTAGING' }, scaling: { min: 1, max: 2 }, strategy: DeploymentStrategy.canary() },
        { domain: DOMAIN, scaling: { min: 3, max: 9 }, approval: { reviewers: ['alice'] }, region: 'eu-central-1', strategy: DeploymentStrategy.canary() });
      new ProdParity(project, 'parity', { staging, prod });
    });
    expect(Object.keys(files)).toContain('infra/api-staging.template.json');
  });

  test('a divergence without an allowance fails synthesis and reports both sides', () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api');
      const { staging, prod } = pair(project, { strategy: DeploymentStrategy.rolling(), variables: { LOG_LEVEL: 'debug' } },
        { variables: { LOG_LEVEL: 'info' } });
      new ProdParity(project, 'parity', { staging, prod });
    });
    expect(error.message).toContain('[shop/staging] variables.LOG_LEVEL: must be the same in staging and prod');
    expect(error.message).toContain('(got \'staging="debug", prod="info"\')');
    // the side-by-side table
    expect(error.message).toMatch(/property\s+\| staging\s+\| prod/);
    expect(error.message).toMatch(/variables\.LOG_LEVEL \| "debug"\s+\| "info"\s+\| NOT ALLOWED/);
    expect(files).toEqual([]);
  });

  test('an allowed difference passes; the report keeps the reason', () => {
    let parity: ProdParity | undefined;
    synthTemplates((project) => {
      const { staging, prod } = pair(project, { variables: { LOG_LEVEL: 'debug' } }, { variables: { LOG_LEVEL: 'info' } });
      parity = new ProdParity(project, 'parity', { staging, prod, allow: { 'variables.LOG_LEVEL': 'staging logs in detail for the testers' } });
    });
    expect(parity!.differences()).toEqual([{ property: 'variables.LOG_LEVEL', staging: '"debug"', prod: '"info"', allowedBecause: 'staging logs in detail for the testers' }]);
    expect(parity!.report()).toContain('allowed: staging logs in detail for the testers');
  });

  test("the library's own production defaults pass without an allowance, and are listed as by design", () => {
    let parity: ProdParity | undefined;
    synthTemplates((project, api) => {
      const { staging, prod } = pair(project, {}, {});
      new Database(project, 'db', { service: api });
      new FeatureFlag(project, 'beta', { description: 'Beta', values: { staging: true, prod: true } });
      parity = new ProdParity(project, 'parity', { staging, prod });
    });
    expect(parity!.differences()).toEqual([{
      property: 'database.api.multiAz',
      staging: 'false',
      prod: 'true',
      byDesign: true,
      allowedBecause: "by design: production databases get a standby in a second availability zone (Database multiAz defaults to the environment's production flag)",
    }]);
    expect(parity!.report()).toMatch(/database\.api\.multiAz \| false\s+\| true\s+\| by design: production databases/);
  });

  test('an allowance for a by-design difference is stale', () => {
    const { error } = synthFailure((project) => {
      const api = new Service(project, 'api');
      const { staging, prod } = pair(project, {}, {});
      new Database(project, 'db', { service: api });
      new ProdParity(project, 'parity', { staging, prod, allow: { 'database.api.multiAz': 'single-AZ staging halves the cost' } });
    });
    expect(error.message).toContain('[shop/parity] allow.database.api.multiAz: must be a property whose difference is not already allowed by design');
  });

  test('flag values are compared too', () => {
    const { error } = synthFailure((project) => {
      new Service(project, 'api');
      const { staging, prod } = pair(project, {}, {});
      new FeatureFlag(project, 'beta', { description: 'Beta', values: { staging: true } });
      new ProdParity(project, 'parity', { staging, prod });
    });
    expect(error.message).toContain('flags.beta: must be the same in staging and prod');
  });

  test('an allowance for a difference that does not exist is an error (stale)', () => {
    const { error } = synthFailure((project) => {
      new Service(project, 'api');
      const { staging, prod } = pair(project, {}, {});
      new ProdParity(project, 'parity', { staging, prod, allow: { strategy: 'we used to differ here' } });
    });
    expect(error.message).toContain('[shop/parity] allow.strategy: must be a property where staging and prod differ');
  });
});
