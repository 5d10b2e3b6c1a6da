import { Match } from 'aws-cdk-lib/assertions';
import { DOMAIN, envTemplate, synthTemplates, template } from './cloudformation-helpers';
import { DeploymentStrategy, Duration, Environment, Network, ScalingTarget, SecretRef } from '../src';

describe('environment stack: service, load balancer, scaling', () => {
  // GIVEN a service with a domain, variables and secrets; WHEN synthesized
  const t = envTemplate({
    domain: DOMAIN,
    scaling: { min: 2, max: 5, target: ScalingTarget.cpu(55) },
    variables: { LOG_LEVEL: 'info' },
    secrets: { API_KEY: SecretRef.fromName('shop/api-key') },
  });

  test('the task definition has the Service CPU, memory, port, variables, secrets and health check', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      ContainerDefinitions: [Match.objectLike({
        Name: 'api',
        PortMappings: [Match.objectLike({ ContainerPort: 8080 })],
        Environment: Match.arrayWith([{ Name: 'LOG_LEVEL', Value: 'info' }, { Name: 'PORT', Value: '8080' }]),
        Secrets: [{ Name: 'API_KEY', ValueFrom: Match.anyValue() }],
        HealthCheck: Match.objectLike({ Command: ['CMD-SHELL', Match.stringLikeRegexp('http://127.0.0.1:8080/healthz')] }),
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
      })],
    });
  });

  test('the image tag is a template parameter and the image comes from the service repository', () => {
    t.hasParameter('ImageTag', { Type: 'String' });
    const image = JSON.stringify(t.findResources('AWS::ECS::TaskDefinition'));
    expect(image).toContain('.dkr.ecr.eu-west-1.');
    expect(image).toContain('/api:');
    expect(image).toContain('{"Ref":"ImageTag"}');
  });

  test('logs go to a log group with retention', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/shipshape/api/prod', RetentionInDays: 30 });
  });

  test('HTTPS with a DNS-validated certificate, HTTP redirects to HTTPS, and an alias record', () => {
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'api.example.com', HostedZoneId: 'ZTESTZONE' }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', SslPolicy: Match.stringLikeRegexp('TLS') });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.com.', Type: 'A', HostedZoneId: 'ZTESTZONE' });
  });

  test('the target group health check reads the Service health path and port', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/healthz', Matcher: { HttpCode: '200' }, TargetType: 'ip' });
  });

  test('autoscaling between min and max, tracking CPU', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 5 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 55, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
  });

  test('the tasks accept traffic only from the load balancer, on the service port', () => {
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: expect.anything() })]);
    t.hasResourceProperties('AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) } });
  });

  test('a created VPC has flow logs and two AZs chosen at deploy time', () => {
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
    t.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } });
  });
});

describe('environment stack: variants', () => {
  test('an existing VPC comes in through parameters and no VPC is created', () => {
    const t = envTemplate({ network: Network.existing() });
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.hasParameter('VpcId', { Type: 'AWS::EC2::VPC::Id' });
    t.hasParameter('PrivateSubnetIds', { Type: 'List<AWS::EC2::Subnet::Id>' });
    // The environment stack exports the given subnets; the service runs in them, imported.
    t.hasOutput('ExportPrivateSubnet1', { Value: { 'Fn::Select': [0, { Ref: 'PrivateSubnetIds' }] } });
    t.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          Subnets: [{ 'Fn::ImportValue': 'shop-prod-environment:PrivateSubnet1' }, { 'Fn::ImportValue': 'shop-prod-environment:PrivateSubnet2' }],
        }),
      },
    });
  });

  test('without a domain there is no load balancer', () => {
    const t = envTemplate();
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('a given certificate ARN is used as is, without a new certificate', () => {
    const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
    const t = envTemplate({ domain: { name: 'api.example.com', certificateArn: arn } });
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: arn }] });
  });

  test('memory and request-count scaling', () => {
    envTemplate({ scaling: { target: ScalingTarget.memory(70) } }).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } }),
    });
    envTemplate({ domain: DOMAIN, scaling: { target: ScalingTarget.requests(300) } }).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 300, PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }) }),
    });
  });
});

describe('deployment strategies', () => {
  test('rolling: circuit breaker with rollback, and alarms that roll back', () => {
    envTemplate().hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('ErrorLogsAlarm') }, { Ref: Match.stringLikeRegexp('TaskStartFailuresAlarm') }], Enable: true, Rollback: true },
        Strategy: 'ROLLING',
      }),
    });
  });

  test('canary: ECS native canary with its percentage, bake time, alternate target group and the four built-in alarms', () => {
    const t = envTemplate({ domain: DOMAIN, strategy: DeploymentStrategy.canary({ percent: 5, bake: Duration.minutes(15) }) });
    t.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'CANARY',
        BakeTimeInMinutes: 15,
        CanaryConfiguration: { CanaryPercent: 5, CanaryBakeTimeInMinutes: 15 },
        Alarms: Match.objectLike({
          AlarmNames: ['ErrorLogsAlarm', 'Target5xxAlarm', 'TaskStartFailuresAlarm', 'UnhealthyTargetsAlarm'].map((a) => ({ Ref: Match.stringLikeRegexp(a) })),
          Rollback: true,
        }),
      }),
      LoadBalancers: [Match.objectLike({ AdvancedConfiguration: Match.objectLike({ AlternateTargetGroupArn: { Ref: Match.stringLikeRegexp('GreenTargetGroup') } }) })],
    });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
  });

  test('blue/green: native blue/green with a bake time', () => {
    envTemplate({ domain: DOMAIN, strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(20) }) }).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 20 }),
    });
  });

  test('linear: step percentage and interval', () => {
    envTemplate({ domain: DOMAIN, strategy: DeploymentStrategy.linear({ stepPercent: 25, interval: Duration.minutes(4) }) }).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 4 } }),
    });
  });
});

describe('clean, deterministic templates', () => {
  const build = () => synthTemplates((project) => {
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', domain: DOMAIN, strategy: DeploymentStrategy.canary() });
  });

  test('no bootstrap version, no CDK metadata, no assets, no Lambda-backed custom resources', () => {
    const text = build()['infra/api-prod.template.json'];
    for (const banned of ['BootstrapVersion', 'CDKMetadata', 'aws:asset', 'cdk-hnb659fds', 'AWS::Lambda::Function', 'Custom::', 'AWS::CloudFormation::CustomResource']) {
      expect(text).not.toContain(banned);
    }
  });

  test('synthesizing twice gives byte-identical templates', () => {
    expect(build()).toEqual(build());
  });
});

describe('escape hatches', () => {
  test('addStackCustomization runs on the stack at synthesis and can add any construct', () => {
    const files = synthTemplates((project) => {
      new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' }).addStackCustomization((stack, ctx) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { aws_sqs: sqs } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
        new sqs.Queue(stack, 'Jobs', { queueName: `${ctx.service}-${ctx.environment}-jobs`, enforceSSL: true });
      });
    });
    template(files, 'infra/api-prod.template.json').hasResourceProperties('AWS::SQS::Queue', { QueueName: 'api-prod-jobs' });
  });

  test('addOverride sets a property by construct path', () => {
    const t = envTemplate({ domain: DOMAIN }, (_p, _s, env) => {
      env.addOverride('Service', 'Properties.HealthCheckGracePeriodSeconds', 120);
    });
    t.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 120 });
  });
});
