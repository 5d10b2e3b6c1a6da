/**
 * Names that reach the outputs, checked before anything is written:
 * - two constructs whose names become the same after the normalisation an output applies (CloudFormation logical ids
 *   drop dashes: `api2` and `api-2` both give `Api2…`) stop synthesis, naming both;
 * - every AWS name shipshape generates fits that resource's limits ({@link NameLimit}, next to each naming function in
 *   naming.ts); a name that does not fit names the input to shorten. Names are never cut, so two never collide by cutting;
 * - two inputs that generate the same AWS name (`a-b` in `c` and `a` in `b-c` both give the stack `a-b-c`) stop synthesis.
 */
import { Problem, problem } from './errors';
import { pascalCase } from './names';
import {
  CANARY_NAME, DASHBOARD_NAME, ECR_REPOSITORY_NAME, ECS_NAME, IAM_MANAGED_POLICY_NAME, IAM_ROLE_NAME, LOG_GROUP_NAME, NameLimit, TRAIL_NAME,
  auditTrailName, SNS_TOPIC_NAME, STACK_NAME, bootstrapStackName, canaryName, cloudFormationExecutionRoleName, clusterName, dashboardName,
  deployRoleName, driftRoleName, ecsServiceName, eventsLogGroupName, imageRepositoryName, managedPolicyName, publishRoleName, serviceLogGroupName,
  severityTopicName, stackName, environmentStackName, STATE_MACHINE_NAME, SCHEDULE_NAME, jobStateMachineName, jobScheduleGroupName,
} from './naming';

/** A construct whose name feeds the outputs. */
export interface NamedInput {
  /** 'service', 'environment', … */
  readonly kind: string;
  readonly path: string;
  readonly property: string;
  readonly name: string;
}

/**
 * Constructs of one kind whose names must stay distinct once normalised as `normalise` does (the same function the
 * outputs use). The later construct is reported, with the earlier one. Identical names are skipped when
 * `skipIdentical` (a kind that reports them itself).
 */
export function normalisedNameClashes(
  inputs: readonly NamedInput[], normalise: (name: string) => string, where: string, code: string, skipIdentical = false,
): { problems: Problem[]; distinct: NamedInput[] } {
  const seen = new Map<string, NamedInput>();
  const problems: Problem[] = [];
  for (const input of inputs) {
    const key = normalise(input.name);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, input);
    } else if (!(skipIdentical && first.name === input.name)) {
      problems.push(problem(code, input.path, input.property, input.name,
        `a name distinct from ${first.path}'s '${first.name}' once normalised for ${where} (both become '${key}')`,
        `Rename one of the two ${input.kind}s.`));
    }
  }
  return { problems, distinct: [...seen.values()] };
}

/** The constructs whose names appear in one generated AWS name. */
interface NameOwner {
  /** The construct to report, and its property. */
  readonly path: string;
  readonly property: string;
  readonly got: string;
  /** How the owners read in a message: `shop/api with shop/prod`. */
  readonly label: string;
}

interface GeneratedName {
  readonly limit: NameLimit;
  readonly name: string;
  readonly owner: NameOwner;
  /** The input to shorten when the name is too long (the owner's, unless another input is longer). */
  readonly shorten: string;
}

export interface NamingInputs {
  readonly project: string;
  readonly services: readonly NamedInput[];
  readonly environments: readonly NamedInput[];
}

/** Every AWS name shipshape generates for these services and environments, with the constructs it comes from. */
function generatedNames(inputs: NamingInputs): GeneratedName[] {
  const project: NameOwner = { path: inputs.project, property: 'name', got: inputs.project, label: `the project '${inputs.project}'` };
  const out: GeneratedName[] = [];
  const add = (limit: NameLimit, name: string, owner: NameOwner, shorten: string) => out.push({ limit, name, owner, shorten });
  const projectInput = `the project name '${inputs.project}' (new Project({ name }))`;
  // Without an environment nothing is deployed: the project's own AWS names appear nowhere.
  if (inputs.environments.length > 0) {
    add(STACK_NAME, bootstrapStackName(inputs.project), project, projectInput);
    add(IAM_ROLE_NAME, publishRoleName(inputs.project), project, projectInput);
    add(TRAIL_NAME, auditTrailName(inputs.project), project, projectInput);
  }
  for (const e of inputs.environments) {
    const owner: NameOwner = { path: e.path, property: e.property, got: e.name, label: e.path };
    for (const role of [deployRoleName, driftRoleName, cloudFormationExecutionRoleName]) {
      const name = role(inputs.project, e.name);
      add(IAM_ROLE_NAME, name, owner, `${projectInput} or the environment name '${e.name}'`);
      add(IAM_MANAGED_POLICY_NAME, managedPolicyName(name, 98), owner, `${projectInput} or the environment name '${e.name}'`);
    }
    add(STACK_NAME, environmentStackName(inputs.project, e.name), owner, `${projectInput} or the environment name '${e.name}'`);
    add(ECS_NAME, clusterName(inputs.project, e.name), owner, `${projectInput} or the environment name '${e.name}'`);
  }
  for (const s of inputs.services) {
    const owner: NameOwner = { path: s.path, property: s.property, got: s.name, label: s.path };
    add(ECR_REPOSITORY_NAME, imageRepositoryName(s.name), owner, `the service name '${s.name}'`);
    add(ECS_NAME, ecsServiceName(s.name), owner, `the service name '${s.name}'`);
    for (const e of inputs.environments) {
      const pair: NameOwner = { path: s.path, property: s.property, got: s.name, label: `${s.path} in ${e.path}` };
      const shorten = `the service name '${s.name}' or the environment name '${e.name}'`;
      add(STACK_NAME, stackName(s.name, e.name), pair, shorten);
      add(DASHBOARD_NAME, dashboardName(s.name, e.name), pair, shorten);
      add(CANARY_NAME, canaryName(s.name, e.name), pair, shorten);
      add(LOG_GROUP_NAME, serviceLogGroupName(s.name, e.name), pair, shorten);
      add(LOG_GROUP_NAME, eventsLogGroupName(s.name, e.name), pair, shorten);
      for (const severity of ['critical', 'warning', 'info']) add(SNS_TOPIC_NAME, severityTopicName(s.name, e.name, severity), pair, shorten);
      if (s.kind === 'job') {
        add(STATE_MACHINE_NAME, jobStateMachineName(s.name, e.name), pair, shorten);
        add(SCHEDULE_NAME, jobScheduleGroupName(s.name, e.name), pair, shorten);
      }
    }
  }
  return out;
}

/** The limit a name breaks, in words, or undefined when it fits. */
function broken(limit: NameLimit, name: string): string | undefined {
  if (name.length > limit.maxLength) return `${name.length} characters, over the ${limit.maxLength} AWS allows`;
  if (!limit.pattern.test(name)) return `characters outside ${limit.rule}`;
  return undefined;
}

/**
 * Problems with the AWS names generated from the project, service and environment names: a name over its
 * resource's limit (naming the input to shorten), and two inputs that generate the same name.
 */
export function generatedNameProblems(inputs: NamingInputs): Problem[] {
  const problems: Problem[] = [];
  const reported = new Set<string>();
  const seen = new Map<string, GeneratedName>();
  for (const g of generatedNames(inputs)) {
    const why = broken(g.limit, g.name);
    if (why) {
      const verb = g.name.length > g.limit.maxLength ? 'Shorten' : 'Change';
      const key = `${g.owner.path}|${g.limit.resource}`;
      if (!reported.has(key)) {
        reported.add(key);
        problems.push(problem('SS-NAME-LIMIT', g.owner.path, g.owner.property, g.owner.got,
          `a name that gives a valid ${g.limit.resource} (at most ${g.limit.maxLength} characters of ${g.limit.rule}; ${g.limit.source}): '${g.name}' has ${why}`,
          `${verb} ${g.shorten}.`));
      }
      continue;
    }
    const key = `${g.limit.resource}|${g.limit.caseInsensitive ? g.name.toLowerCase() : g.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, g);
      continue;
    }
    if (first.owner.label === g.owner.label) continue;
    const pair = `${first.owner.label}|${g.owner.label}`;
    if (reported.has(pair)) continue;
    reported.add(pair);
    problems.push(problem('SS-NAME-CLASH', g.owner.path, g.owner.property, g.owner.got,
      `a name whose ${g.limit.resource} no other construct generates ('${g.name}' is also generated by ${first.owner.label}, here by ${g.owner.label})`,
      'Rename one of them: AWS would create or update one resource for both.'));
  }
  return problems;
}

/** Every naming problem of a project: normalised clashes between constructs, then the generated AWS names. */
export function namingProblems(inputs: NamingInputs): Problem[] {
  const services = normalisedNameClashes(inputs.services, pascalCase, 'CloudFormation logical ids', 'SS-SERVICE-NAME-CLASH');
  // Identical environment names are SS-ENV-DUPLICATE, reported by the environment itself.
  const environments = normalisedNameClashes(inputs.environments, pascalCase, 'CloudFormation logical ids', 'SS-ENV-NAME-CLASH', true);
  // The generated names of constructs already reported would only repeat the same clash.
  return [
    ...services.problems, ...environments.problems,
    ...generatedNameProblems({ project: inputs.project, services: services.distinct, environments: environments.distinct }),
  ];
}
