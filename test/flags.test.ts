import { Match } from 'aws-cdk-lib/assertions';
import { synthFailure, synthTemplates, template } from './cloudformation-helpers';
import { Environment, FeatureFlag } from '../src';

describe('FeatureFlag with AWS AppConfig', () => {
  // GIVEN a flag on in staging and off (by default) in prod; WHEN synthesized
  const files = synthTemplates((project) => {
    new Environment(project, 'staging', { account: '123456789012', region: 'eu-west-1' });
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new FeatureFlag(project, 'new-checkout', { description: 'Serve the new checkout', values: { staging: true } });
  });
  const staging = template(files, 'infra/api-staging.template.json');
  const prod = template(files, 'infra/api-prod.template.json');

  test('an application, an environment, a feature-flags profile, a strategy and a deployment', () => {
    prod.hasResourceProperties('AWS::AppConfig::Application', { Name: 'api' });
    prod.hasResourceProperties('AWS::AppConfig::Environment', { Name: 'prod' });
    prod.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Type: 'AWS.AppConfig.FeatureFlags', LocationUri: 'hosted' });
    prod.resourceCountIs('AWS::AppConfig::DeploymentStrategy', 1);
    prod.resourceCountIs('AWS::AppConfig::Deployment', 1);
  });

  test('values are set per environment', () => {
    const content = (t: typeof prod) => JSON.parse(Object.values(t.findResources('AWS::AppConfig::HostedConfigurationVersion'))[0].Properties.Content);
    expect(content(staging)).toEqual({
      version: '1',
      flags: { 'new-checkout': { name: 'new-checkout', description: 'Serve the new checkout' } },
      values: { 'new-checkout': { enabled: true } },
    });
    expect(content(prod).values).toEqual({ 'new-checkout': { enabled: false } });
  });

  test('monitors roll a flag change back on the deployment alarms', () => {
    prod.hasResourceProperties('AWS::AppConfig::Environment', {
      Monitors: [{ AlarmArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ErrorLogsAlarm'), 'Arn'] }, AlarmRoleArn: Match.anyValue() }],
    });
  });

  test('the service reads its flags: AppConfig names in its environment, and the right to read them', () => {
    prod.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'APPCONFIG_PROFILE', Value: 'feature-flags' }]) })],
    });
    expect(JSON.stringify(prod.findResources('AWS::IAM::Policy'))).toContain('appconfig:GetLatestConfiguration');
  });

  test('no flags, no AppConfig', () => {
    const none = synthTemplates((project) => new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' }));
    template(none, 'infra/api-prod.template.json').resourceCountIs('AWS::AppConfig::Application', 0);
  });

  test('a value for an unknown environment is an error', () => {
    const { error, files: left } = synthFailure((project) => {
      new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new FeatureFlag(project, 'beta', { description: 'Beta', values: { produktion: true } });
    });
    expect(error.message).toContain('[shop/beta] values.produktion: must be the name of an environment (prod)');
    expect(left).toEqual([]);
  });
});
