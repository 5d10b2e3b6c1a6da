/**
 * The full message of every entry of the bad-input catalogue (test/catalogue-cases.ts), one problem an entry.
 * Reviewed by hand: each names the construct path, the property, what was given and what is allowed.
 */
export const EXPECTED: Record<string, readonly string[]> = {
  'service: name with capitals': [
    "[shop/api] name: must be a lowercase name of 1-32 characters: letters, digits and dashes, starting with a letter and not ending with a dash (got 'Api') [SS-SERVICE-NAME]",
  ],
  'service: a one-letter name (ECR needs two)': [
    "[shop/api] name: must be at least 2 characters long (it also names the image repository) (got 'a') [SS-SERVICE-NAME]",
  ],
  'service: port 0': [
    '[shop/api] port: must be >= 1 (got 0) [SS-SERVICE-PORT]',
  ],
  'service: port 65536': [
    '[shop/api] port: must be <= 65535 (got 65536) [SS-SERVICE-PORT]',
  ],
  'service: fractional port': [
    '[shop/api] port: must be an integer from 1 to 65535 (got 80.5) [SS-SERVICE-PORT]',
  ],
  'service: health path without /': [
    "[shop/api] healthPath: must be a path starting with '/' (got 'healthz') [SS-SERVICE-HEALTHPATH]",
  ],
  'service: health path with a space': [
    "[shop/api] healthPath: must be a URL path of letters, digits and ._~%/:@+,=- (no spaces, quotes, '$', '?' or '#') (got '/health z') [SS-SERVICE-HEALTHPATH]",
  ],
  'service: CPU Fargate does not run': [
    '[shop/api] cpu: must be a Fargate CPU value (256, 512, 1024, 2048, 4096, 8192, 16384) (got 300) [SS-SERVICE-CPU]',
  ],
  'service: memory that does not fit the CPU': [
    '[shop/api] memoryMiB: must be a memory Fargate accepts with 1024 CPU units: 2048, 3072, 4096, 5120, 6144, 7168, 8192 MiB (got 512) [SS-SERVICE-MEMORYMIB]',
  ],
  'service: env name in lower case': [
    "[shop/api] env.db_host: must be an upper-case variable name (got 'db_host') [SS-SERVICE-ENV]",
  ],
  'service: env with value and secret': [
    '[shop/api] env.DB: must be either { value } or { secret }, not both (got {"value":"x","secret":"y"}) [SS-SERVICE-ENV]',
  ],
  'service: unknown prop': [
    "[shop/api] prot: must be a known property (name, port, healthPath, cpu, memoryMiB, env, publishes, migrate, internal, calls, scaling, host, path, environments, exec): did you mean 'port'? (got 8080) [SS-SERVICE-PROT]",
  ],
  'service: a migrate command that is empty': [
    "[shop/api] migrate.command: must be an exec-form command such as ['npm', 'run', 'migrate'] (got []) [SS-SERVICE-MIGRATE]",
  ],
  'service: a migrate argument with a newline': [
    "[shop/api] migrate.command.2: must be an argument without control characters (newlines, tabs, NUL) (got 'migrate\\u000arm -rf /') [SS-SERVICE-MIGRATE]",
  ],
  'environment: short account id': [
    "[shop/prod] account: must be a 12-digit AWS account id (got '12345') [SS-ENV-ACCOUNT]",
  ],
  'environment: unknown region': [
    "[shop/prod] region: must be a known AWS region (af-south-1, ap-east-1, ap-east-2, ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-south-1, ap-south-2, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-southeast-7, ca-central-1, ca-west-1, cn-north-1, cn-northwest-1, eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-2, eu-west-3, il-central-1, me-central-1, me-south-1, mx-central-1, sa-east-1, us-east-1, us-east-2, us-gov-east-1, us-gov-west-1, us-west-1, us-west-2) (got 'eu-westish-1') [SS-ENV-REGION]",
  ],
  'environment: duplicate name': [
    "[shop/prod2] name: must be a name no other environment uses (already used by shop/prod) (got 'prod') [SS-ENV-DUPLICATE]",
  ],
  'environment: log retention CloudWatch does not offer': [
    '[shop/prod] logRetentionDays: must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) (got 10) [SS-ENV-LOGRETENTIONDAYS]',
  ],
  'environment: http URL': [
    "[shop/prod] url: must be an https:// URL (got 'http://api.example.com') [SS-ENV-URL]",
  ],
  'environment: gated without reviewers or wait': [
    '[shop/prod] approval: must be at least one reviewer or a wait of at least 1 minute (got {}) [SS-ENV-APPROVAL]',
  ],
  'environment: reviewer that is no GitHub user or team': [
    "[shop/prod] approval.reviewers.0: must be a GitHub user or 'org/team' (got 'not a user') [SS-ENV-APPROVAL]",
  ],
  'environment: canary without a load balancer': [
    "[shop/prod] strategy: must be a strategy that works without a load balancer (rolling), or a domain on this environment (got 'canary') [SS-ENV-STRATEGY] Hint: canary shifts traffic between two target groups of an Application Load Balancer; add a 'domain' to get one.",
  ],
  'environment: blue/green without a load balancer': [
    "[shop/prod] strategy: must be a strategy that works without a load balancer (rolling), or a domain on this environment (got 'blue-green') [SS-ENV-STRATEGY] Hint: blue-green shifts traffic between two target groups of an Application Load Balancer; add a 'domain' to get one.",
  ],
  'environment: scaling min above max': [
    '[shop/prod] scaling.min: must be at most scaling.max (got 5) [SS-ENV-SCALING]',
  ],
  'environment: a secret given as a literal': [
    "[shop/prod] secrets.API_KEY: must be a reference to a secret (SecretRef.fromName('...') or SecretRef.fromArn('...')), never the secret value itself (got '(a literal value, not shown)') [SS-ENV-SECRETS]",
  ],
  'environment: variable name in lower case': [
    "[shop/prod] variables.log_level: must be an environment variable name (UPPER_SNAKE_CASE) (got 'log_level') [SS-ENV-VARIABLES]",
  ],
  'environment: name with capitals': [
    "[shop/prod] name: must be a lowercase name of 1-32 characters: letters, digits and dashes, starting with a letter and not ending with a dash (got 'Prod') [SS-ENV-NAME]",
  ],
  'environment: scaling target percent above 100': [
    '[ScalingTarget.cpu] percent: must be a whole percentage from 10 to 90 (got 150) [SS-SCALING]',
  ],
  'strategy: canary of 0 percent': [
    '[DeploymentStrategy.canary] percent: must be a whole percentage from 1 to 99 (got 0) [SS-STRATEGY]',
  ],
  'strategy: canary of 100 percent': [
    '[DeploymentStrategy.canary] percent: must be a whole percentage from 1 to 99 (got 100) [SS-STRATEGY]',
  ],
  'strategy: linear step of 2 percent': [
    '[DeploymentStrategy.linear] stepPercent: must be a whole percentage from 3 to 99 (got 2) [SS-STRATEGY]',
  ],
  'strategy: bake shorter than the rollback alarms': [
    "[shop/prod] strategy.bake: must be at least 7m: the 5m window of rollback alarm 'error-logs' plus 2m for evaluation lag (got '1m') [SS-ENV-BAKE] Hint: A bake that ends before the rollback alarms can fire lets a bad release through: lengthen the bake or shorten the alarm's window.",
  ],
  'image: preset given as a string': [
    "[shop/image] preset: must be a DockerPreset, for example DockerPreset.node() (got 'node') [SS-IMAGE-PRESET]",
  ],
  'image: absolute Dockerfile path': [
    "[shop/image] dockerfilePath: must be a relative path to a file named like 'Dockerfile' (got '/Dockerfile') [SS-IMAGE-DOCKERFILEPATH]",
  ],
  'image: healthcheck interval without a unit': [
    "[shop/image] healthcheck.interval: must be a whole number with a unit: 's', 'm', 'h' or 'd' (for example '30s') (got '30') [SS-DURATION]",
  ],
  'image: stage name used twice': [
    "[shop/image] stage: must be a stage name not used yet (used: deps, build, prod-deps, runtime) (got 'deps') [SS-DOCKER-STAGE-DUPLICATE]",
  ],
  'image: USER root in the final stage': [
    "[shop/image/runtime] user: must be a non-root USER (got 'root') [SS-DOCKER-NONROOT] Hint: End the final stage with a non-root USER such as '10001:10001' (ctx.finishRuntime does this). (Dockerfile, stage 'runtime') To accept it, call acknowledge('SS-DOCKER-NONROOT', '<reason>') on the construct.",
  ],
  'image: EXPOSE another port than the service': [
    "[shop/image/runtime] expose: must be the service's port 8080 (from shop/api) (got 9999) [SS-DOCKER-EXPOSE] Hint: The Service owns the port; change it there, or remove the extra EXPOSE.",
  ],
  'image: an AWS key in ENV': [
    "[shop/image/runtime] env.AWS_ACCESS_KEY_ID: must be a value that is not a secret (got an AWS access key id (value hidden)) [SS-DOCKER-SECRET] Hint: Pass secrets with a BuildKit secret mount: run(cmd, { mounts: [Mount.secret({ id: 'npm', env: 'NPM_TOKEN' })] }), and at run time from the platform's secret store. (Dockerfile, stage 'runtime') To accept it, call acknowledge('SS-DOCKER-SECRET', '<reason>') on the construct.",
  ],
  'image: a latest base image': [
    "[BaseImages] node.tag: must be a tag other than 'latest', for example '22-bookworm-slim' (got 'latest') [SS-DOCKER-BASE]",
  ],
  'image: a digest that is not sha256': [
    "[BaseImages] node.digest: must be a digest 'sha256:' followed by 64 lowercase hex digits (got 'sha256:abc') [SS-DOCKER-BASE]",
  ],
  'compose: env name the service does not declare': [
    "[shop/local] env.UNKNOWN: must be one of the service's env names (none declared) (got 'UNKNOWN') [SS-COMPOSE-ENV] Hint: Declare it on the Service (shop/api) first, so production and local development use the same names.",
  ],
  'compose: service secret without a local value': [
    "[shop/local] env.TOKEN: must be a local development value for this secret (got undefined) [SS-COMPOSE-ENV] Hint: The service reads 'TOKEN' from secret 'shop/token'; compose never sees real secrets, so give a clearly local value, e.g. env: { TOKEN: postgres.password }.",
  ],
  'compose: a local value that looks like a real secret': [
    "[shop/local] env.TOKEN: must be a local development value, never a real secret (got 'an AWS access key id (value hidden)') [SS-COMPOSE-SECRET]",
  ],
  'compose: the same dependency twice': [
    "[shop/local] dependencies: must be a compose service name used once (and not the service's own name) (got 'redis') [SS-COMPOSE-DEPENDENCY]",
  ],
  'pipeline: needs an unknown job': [
    "[shop/ci/jobs/e2e] needs: must be the id of a job in this pipeline (lint, test, build, dependency-review, audit, codeql, secrets, synth-check, e2e) (got 'biuld') [SS-JOB-NEEDS]",
  ],
  'pipeline: a needs cycle': [
    "[shop/ci/jobs/a] needs: must be jobs whose needs form no cycle (got 'a -> b -> a') [SS-JOB-CYCLE]",
  ],
  'pipeline: a shard count of 0': [
    '[shop/ci] checks.test.shards: must be at least 1 shard (got 0) [SS-PIPELINE-CHECKS]',
  ],
  'pipeline: a budget under a minute': [
    '[shop/ci] budget.prMinutes: must be at least 1 minute (got 0.5) [SS-PIPELINE-BUDGET]',
  ],
  'pipeline: an action pinned to a tag': [
    '[shop/ci/jobs/x] steps.0.with.persist-credentials: must be false, so the token is not left in .git/config (got undefined) [SS-WORKFLOW-CHECKOUT]',
    "[shop/ci/jobs/x] steps.0.uses: must be an action pinned to a full commit SHA ('owner/repo@<40 hex>'), or a bare 'owner/repo' from the pin table (got 'actions/checkout@v4') [SS-ACTION-UNPINNED] Hint: Pin it with its commit SHA, or add it to actionPins.",
  ],
  'pipeline: an action missing from the pin table': [
    "[shop/ci/jobs/x] steps.0.uses: must be an action in the pin table (actions/cache, actions/checkout, actions/dependency-review-action, actions/download-artifact, actions/github-script, actions/setup-go, actions/setup-node, actions/setup-python, actions/upload-artifact, aquasecurity/trivy-action, aws-actions/amazon-ecr-login, aws-actions/configure-aws-credentials, docker/build-push-action, docker/login-action, docker/metadata-action, docker/setup-buildx-action, docker/setup-qemu-action, dorny/paths-filter, github/codeql-action, gitleaks/gitleaks-action, pnpm/action-setup) (got 'someone/something') [SS-ACTION-UNKNOWN] Hint: Add it to actionPins with its commit SHA and version.",
  ],
  'pipeline: untrusted input inside run': [
    "[shop/ci/jobs/x] steps.0.run: must be a script without github.event.*, github.head_ref or inputs.* expressions (got 'echo \"${{ github.event.pull_request.title }}\"') [SS-WORKFLOW-UNTRUSTED] Hint: Pass the value through the step's env and read it as \"$VAR\".",
  ],
  'pipeline: a deploy order naming an unknown environment': [
    "[shop/ci] deploy.order.1: must be the name of a declared environment (prod) (got 'qa') [SS-PIPELINE-DEPLOY-ORDER]",
  ],
  'pipeline: a job id with capitals': [
    "[shop/ci/jobs/E2E] id: must be a lowercase name of 1-32 characters: letters, digits and dashes, starting with a letter and not ending with a dash (got 'E2E') [SS-JOB-ID]",
  ],
  'pipeline: a job without steps': [
    '[shop/ci/jobs/empty] steps: must be a list of at least 1 items (got []) [SS-JOB-STEPS]',
  ],
  'pipeline: a timeout of 0 minutes': [
    '[shop/ci/jobs/x] timeoutMinutes: must be at least 1 minute (got 0) [SS-JOB-TIMEOUTMINUTES]',
  ],
  'pipeline: a pin that is not a commit SHA': [
    "[shop/ci] actionPins.a/b.sha: must be a full 40-character commit SHA (got 'v1') [SS-PIPELINE-ACTIONPINS]",
  ],
  'database: unknown Postgres version': [
    "[shop/db] postgresVersion: must be a PostgreSQL major version ('15', '16', '17') or a minor version RDS still creates instances with (15.10, 15.12, 15.13, 15.14, 15.15, 15.16, 15.17, 16.6, 16.8, 16.9, 16.10, 16.11, 16.12, 16.13, 17.2, 17.4, 17.5, 17.6, 17.7, 17.8, 17.9) (got '9') [SS-DATABASE-POSTGRESVERSION]",
  ],
  'database: no backups': [
    '[shop/db] backupRetentionDays: must be >= 1 (got 0) [SS-DATABASE-BACKUPRETENTIONDAYS]',
  ],
  'database: the service declares a variable the database gives': [
    "[shop/api] env.DATABASE_HOST: must be a name the database does not set (DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, PGSSLMODE, DATABASE_PASSWORD come from shop/db) (got 'DATABASE_HOST') [SS-DATABASE-VARIABLE] Hint: Remove 'DATABASE_HOST' from the Service's env: shop/db gives it in ECS, docker-compose and the CI integration job.",
  ],
  'database: sizes for an environment that is not declared': [
    "[shop/db] environments.production: must be the name of a declared environment (prod) (got 'production') [SS-DATABASE-ENVIRONMENT]",
  ],
  'database: an unknown size property for an environment': [
    "[shop/db] environments.prod.instanceClass: must be a known property (instanceType, allocatedStorageGiB, maxAllocatedStorageGiB) (got 'db.m7g.large') [SS-DATABASE-ENVIRONMENTS]",
  ],
  "database: an environment's storage ceiling below its storage": [
    '[shop/db] environments.prod.maxAllocatedStorageGiB: must be at least allocatedStorageGiB in prod (200) (got 100) [SS-DATABASE-ENVIRONMENT]',
  ],
  'compose: a PostgreSQL dependency next to the Database': [
    "[shop/local] dependencies: must be no PostgreSQL dependency: shop/db provides it (postgres:17-alpine, database 'api', user 'app') (got 'ComposeDependency.postgres() named postgres') [SS-COMPOSE-DATABASE] Hint: Remove ComposeDependency.postgres(): LocalDev runs the Database's own version, name and user. For an unrelated second PostgreSQL, use ComposeDependency.custom().",
  ],
  'pipeline: a PostgreSQL container next to the Database': [
    "[shop/ci] checks.integration.services.postgres: must be no PostgreSQL container of its own: shop/db provides 'postgres' (postgres:17, database 'api', user 'app') (got 'postgres:17') [SS-PIPELINE-DATABASE] Hint: Remove it: the integration job runs the Database's PostgreSQL and sets DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, DATABASE_PASSWORD and PGSSLMODE.",
  ],
  'flag: a value for an environment that does not exist': [
    "[shop/beta] values.produktion: must be the name of an environment (prod) (got 'produktion') [SS-FLAG-ENVIRONMENT]",
  ],
  'parity: staging diverges from prod without an allowance': [
    "[shop/staging] strategy: must be the same in staging and prod (only name, account, region, scaling, domain (its name, zone and certificate), approval, url, production may differ) (got 'staging={\"kind\":\"rolling\"}, prod={\"kind\":\"canary\",\"percent\":10,\"bakeSeconds\":900}') [SS-PARITY] Hint: If the difference is intended, allow it with a reason: new ProdParity(..., { allow: { 'strategy': '<why>' } }).\n    property | staging            | prod                                             |\n    strategy | {\"kind\":\"rolling\"} | {\"kind\":\"canary\",\"percent\":10,\"bakeSeconds\":900} | NOT ALLOWED",
  ],
  'parity: an allowance for a difference that does not exist': [
    "[shop/parity] allow.strategy: must be a property where staging and prod differ (remove the stale allowance) (got 'strategy') [SS-PARITY-STALE]",
  ],
  'canary: a journey with a body on GET, a secret header and an unknown method': [
    "[shop/monitoring] canary.journeys.0.body: must be a body only with POST, PUT or PATCH (got '{}') [SS-MONITORING-CANARY]",
    '[shop/monitoring] canary.journeys.1.headers: must be HTTP header names other than authorization, proxy-authorization, cookie, host, content-length, transfer-encoding, connection (no secrets in the template; refused: Authorization) (got {"Authorization":"Bearer x"}) [SS-MONITORING-CANARY]',
    "[shop/monitoring] canary.journeys.2.method: must be GET, HEAD, POST, PUT, PATCH or DELETE (got 'TRACE') [SS-MONITORING-CANARY]",
  ],
  'alarm: no severity': [
    '[shop/monitoring/queue] severity: must be one of Severity.CRITICAL, Severity.WARNING, Severity.INFO (got undefined) [SS-ALARM-SEVERITY]',
  ],
  'alarm: an unknown severity': [
    "[shop/monitoring/queue] severity: must be one of Severity.CRITICAL, Severity.WARNING, Severity.INFO (got 'urgent') [SS-ALARM-SEVERITY]",
  ],
  'alarm: a percentage above 100': [
    "[shop/monitoring/queue] threshold: must be a percentage from 0 to 100 (unit 'percent') (got 150) [SS-ALARM-THRESHOLD]",
  ],
  'alarm: a negative latency': [
    "[shop/monitoring/slow] threshold: must be a positive duration in milliseconds (unit 'milliseconds') (got -5) [SS-ALARM-THRESHOLD]",
  ],
  'alarm: two alarms with the same name': [
    "[shop/monitoring/queue] name: must be an alarm name not used yet by this service (got 'queue') [SS-ALARM-DUPLICATE]",
  ],
  'alarm: an empty runbook step': [
    "[shop/monitoring/queue] steps.1: must be a non-empty sentence (got '  ') [SS-ALARM-STEPS]",
  ],
  'slo: a target of 100 % (no error budget)': [
    '[shop/monitoring] slo.availability.target: must be a percentage from 95 to 99.999, for example 99.9 (100 % leaves no error budget to alert on) (got 100) [SS-MONITORING-SLO]',
  ],
  'slo: neither availability nor latency': [
    '[shop/monitoring] slo.availability: must be an availability or a latency objective, or both (for example availability: { target: 99.9 }) (got undefined) [SS-MONITORING-SLO]',
  ],
  'slo: a window of 36 hours': [
    '[shop/monitoring] slo.window: must be a Duration of whole days from 7 to 90, for example Duration.days(30) (got "36h") [SS-MONITORING-SLO]',
  ],
  'slo: a latency threshold of 0 ms and a misspelled key': [
    '[shop/monitoring] slo.latency.thresholdMs: must be a whole number of milliseconds from 1 to 60000 (got 0) [SS-MONITORING-SLO]',
    "[shop/monitoring] slo.minimumRequests: must be a known property (availability, latency, window, minimumRequestsPerHour): did you mean 'minimumRequestsPerHour'? (got 5) [SS-MONITORING-SLO]",
  ],
  'escalation: a page route that is not a boolean': [
    "[shop/escalation] environments.prod.page: must be true or false (got 'yes') [SS-ESCALATION-ENVIRONMENTS]",
  ],
  'escalation: routes for an environment that does not exist': [
    "[shop/escalation] environments.staging: must be the name of a declared environment (prod) (got 'staging') [SS-ESCALATION-ENVIRONMENT]",
  ],
  'monitoring: log options of the wrong kind': [
    "[shop/monitoring] logs.minimumNumericLevel: must be a whole number such as 50, or false (got 'fifty') [SS-MONITORING-LOGS]",
    "[shop/monitoring] logs.stackTraceTerms.0: must be a term of 3-100 characters without quotes or backslashes (got 'say \"hi\"') [SS-MONITORING-LOGS]",
  ],
  'escalation: CRITICAL with no endpoint': [
    "[shop/escalation] critical.pagerEndpointParameter: must be the name of an SSM parameter, for example '/pager/url' (got undefined) [SS-ESCALATION-CRITICAL]",
  ],
  'project: a repository that is not owner/repo': [
    "[shop/Shipshape] repository: must be a GitHub repository as 'owner/repo', for example 'acme/node-api' (got 'acme') [SS-REPOSITORY]",
  ],
  'project: acknowledging a rule without a reason': [
    "[shop/image] acknowledge: must be a rule id such as 'SS-DOCKER-NONROOT' and a written reason (got {\"ruleId\":\"SS-DOCKER-NONROOT\",\"reason\":\"\"}) [SS-ACK]",
  ],
  'names: services api2 and api-2 (the same logical ids)': [
    "[shop/api-2] name: must be a name distinct from shop/api's 'api2' once normalised for CloudFormation logical ids (both become 'Api2') (got 'api-2') [SS-SERVICE-NAME-CLASH] Hint: Rename one of the two services.",
  ],
  'names: two services with the same name': [
    "[shop/web] name: must be a name distinct from shop/api's 'api' once normalised for CloudFormation logical ids (both become 'Api') (got 'api') [SS-SERVICE-NAME-CLASH] Hint: Rename one of the two services.",
  ],
  'names: environments qa1 and qa-1': [
    "[shop/qa-1] name: must be a name distinct from shop/qa1's 'qa1' once normalised for CloudFormation logical ids (both become 'Qa1') (got 'qa-1') [SS-ENV-NAME-CLASH] Hint: Rename one of the two environments.",
  ],
  'names: two service and environment pairs with one stack name': [
    "[shop/api-eu] name: must be a name whose CloudFormation stack name no other construct generates ('api-eu-prod' is also generated by shop/api in shop/eu-prod, here by shop/api-eu in shop/prod) (got 'api-eu') [SS-NAME-CLASH] Hint: Rename one of them: AWS would create or update one resource for both.",
  ],
  'names: a construct id used by a Service and a DockerImage': [
    "[shop/api] id: must be an id no other construct under shop uses (already used by a Service) (got 'api') [SS-CONSTRUCT-ID] Hint: Give each construct its own id.",
  ],
  'names: a 48-character project name (IAM role names over 64 characters)': [
    "[a-project-name-of-forty-eight-characters-for-iam] name: must be a name that gives a valid IAM role name (at most 64 characters of letters, digits and _+=,.@-; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): 'shipshape-a-project-name-of-forty-eight-characters-for-iam-publish' has 66 characters, over the 64 AWS allows (got 'a-project-name-of-forty-eight-characters-for-iam') [SS-NAME-LIMIT] Hint: Shorten the project name 'a-project-name-of-forty-eight-characters-for-iam' (new Project({ name })).",
    "[a-project-name-of-forty-eight-characters-for-iam/production] name: must be a name that gives a valid IAM role name (at most 64 characters of letters, digits and _+=,.@-; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): 'shipshape-a-project-name-of-forty-eight-characters-for-iam-production-deploy' has 76 characters, over the 64 AWS allows (got 'production') [SS-NAME-LIMIT] Hint: Shorten the project name 'a-project-name-of-forty-eight-characters-for-iam' (new Project({ name })) or the environment name 'production'.",
  ],
  'names: a project name a CloudFormation stack name refuses': [
    "[shop_2] name: must be a name that gives a valid CloudFormation stack name (at most 128 characters of a letter, then letters, digits and dashes; https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html): 'shop_2-bootstrap' has characters outside a letter, then letters, digits and dashes (got 'shop_2') [SS-NAME-LIMIT] Hint: Change the project name 'shop_2' (new Project({ name })).",
    "[shop_2/prod] name: must be a name that gives a valid CloudFormation stack name (at most 128 characters of a letter, then letters, digits and dashes; https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html): 'shop_2-prod-environment' has characters outside a letter, then letters, digits and dashes (got 'prod') [SS-NAME-LIMIT] Hint: Change the project name 'shop_2' (new Project({ name })) or the environment name 'prod'.",
  ],
  'project: a Dockerfile written by hand': [
    "[shop/image] path: must be a file that does not exist yet or that projen generated before (got 'Dockerfile') [SS-FILE-HANDWRITTEN] Hint: 'Dockerfile' was written by hand and shipshape will not overwrite it. To adopt it, add it to Shipshape.configure(project, { adopt: ['Dockerfile'] }) (its content will be replaced), move it away, or write shipshape's file elsewhere. Give the DockerImage another dockerfilePath (for example 'docker/Dockerfile').",
  ],
  'project: a workflow written by hand': [
    "[shop/ci] path: must be a file that does not exist yet or that projen generated before (got '.github/workflows/ci.yml') [SS-FILE-HANDWRITTEN] Hint: '.github/workflows/ci.yml' was written by hand and shipshape will not overwrite it. To adopt it, add it to Shipshape.configure(project, { adopt: ['.github/workflows/ci.yml'] }) (its content will be replaced), move it away, or write shipshape's file elsewhere. Give the Pipeline another construct id: the workflow file is named after it.",
  ],
  'duration: a bake of 0 minutes': [
    "[shop/prod] strategy.bake: must be at least 7m: the 5m window of rollback alarm 'error-logs' plus 2m for evaluation lag (got '0m') [SS-ENV-BAKE] Hint: A bake that ends before the rollback alarms can fire lets a bad release through: lengthen the bake or shorten the alarm's window.",
  ],
  'secret ref: an empty secret name': [
    "[SecretRef.fromName] name: must be a Secrets Manager secret name: letters, digits and /_+=.@- (got '') [SS-SECRET]",
  ],
  'secret: an AWS access key in a Service env value': [
    "[shop/api] env.AWS_ACCESS_KEY_ID.value: must be a value that is not a secret: it is written in clear into the generated files (got an AWS access key id, 'AKIA\u2026' (20 characters, the rest hidden)) [SS-SECRET-PLAIN] Hint: Store it in AWS Secrets Manager and reference it: Service env { secret: '<name>' }, Environment secrets: { NAME: SecretRef.fromName('<name>') }, a workflow secret (${{ secrets.NAME }}) in pipeline steps, or Mount.secret() for a build. Then rotate the exposed one.",
  ],
  'secret: a GitHub token in Environment.variables': [
    "[shop/prod] variables.GH: must be a value that is not a secret: it is written in clear into the generated files (got a GitHub token, 'ghp_\u2026' (40 characters, the rest hidden)) [SS-SECRET-PLAIN] Hint: Store it in AWS Secrets Manager and reference it: Service env { secret: '<name>' }, Environment secrets: { NAME: SecretRef.fromName('<name>') }, a workflow secret (${{ secrets.NAME }}) in pipeline steps, or Mount.secret() for a build. Then rotate the exposed one.",
  ],
  'secret: a URL with a password in a pipeline job env': [
    "[shop/ci] jobs.report.env.DSN: must be a value that is not a secret: it is written in clear into the generated files (got a URL with a password, 'post\u2026' (42 characters, the rest hidden)) [SS-SECRET-PLAIN] Hint: Store it in AWS Secrets Manager and reference it: Service env { secret: '<name>' }, Environment secrets: { NAME: SecretRef.fromName('<name>') }, a workflow secret (${{ secrets.NAME }}) in pipeline steps, or Mount.secret() for a build. Then rotate the exposed one.",
  ],
  'service: a quote in the health path': [
    "[shop/api] healthPath: must be a URL path of letters, digits and ._~%/:@+,=- (no spaces, quotes, '$', '?' or '#') (got '/health'z') [SS-SERVICE-HEALTHPATH]",
  ],
  'service: a shell character in the health path': [
    "[shop/api] healthPath: must be a URL path of letters, digits and ._~%/:@+,=- (no spaces, quotes, '$', '?' or '#') (got '/healthz;reboot') [SS-SERVICE-HEALTHPATH]",
  ],
  'secret ref: a JSON field with a colon': [
    "[SecretRef.fromName] field: must be a JSON key of the secret, without ':' or spaces (it becomes part of the ECS valueFrom '<arn>:<field>::') (got 'user:name') [SS-SECRET]",
  ],
  'pipeline: a drift schedule with minute 61': [
    "[shop/ci] drift.schedule: must be a cron expression GitHub accepts, for example '17 5 * * *' (minute '61': 61 is outside 0-59) (got '61 5 * * *') [SS-PIPELINE-DRIFT]",
  ],
  'environment: a URL with a query string': [
    "[shop/prod] url: must be an https:// URL without a query string or fragment ('?' or '#'): the smoke test appends the health path (got 'https://api.example.com/?src=ci') [SS-ENV-URL]",
  ],
  'environment: a certificate of another region': [
    "[shop/prod] domain.certificateArn: must be an ACM certificate of this environment's account 123456789012 and region eu-west-1 (got 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d') [SS-ENV-CERTIFICATE] Hint: A load balancer can only use a certificate from its own account and region: request or import one there, or give a hostedZoneId to have one created.",
  ],
  'environment: staging and prod with the same domain': [
    "[shop/prod] domain.name: must be a domain no other environment uses (already used by shop/staging) (got 'api.example.com') [SS-ENV-DOMAIN-DUPLICATE] Hint: Two environments behind one DNS name would overwrite each other's record: give each its own name (api.example.com, staging.api.example.com).",
  ],
  'image: two images for one service': [
    "[shop/image2] service: must be a service no other DockerImage builds (already built by shop/image) (got 'api') [SS-IMAGE-DUPLICATE]",
  ],
  'pipeline: an expected time for a job that does not exist': [
    "[shop/ci] expectedMinutes.deploy-prd: must be the id of a job of this pipeline (lint, test, build, dependency-review, audit, codeql, secrets, iac, synth-check, drift-prod) (got 'deploy-prd') [SS-PIPELINE-EXPECTED]",
  ],
  'alarm: composite alarms in a cycle': [
    "[shop/monitoring/either] composite: must be composite alarms that do not reach themselves: CloudWatch needs every part to exist before the composite (got 'either -> both -> either') [SS-ALARM-COMPOSITE-CYCLE] Hint: Combine the metric alarms directly instead of one composite in another.",
    "[shop/monitoring/both] composite: must be composite alarms that do not reach themselves: CloudWatch needs every part to exist before the composite (got 'both -> either -> both') [SS-ALARM-COMPOSITE-CYCLE] Hint: Combine the metric alarms directly instead of one composite in another.",
  ],
  'project: a Service of another projen project': [
    "[shop/monitoring] service: must be a construct of this project (the same projen project as this construct) (got 'other/api') [SS-FOREIGN-CONSTRUCT] Hint: Each projen project renders only its own constructs: declare the construct in this project too.",
  ],
  'project: a directory where a generated file goes': [
    "[shop/image] path: must be a path synthesis can write (got 'Dockerfile') [SS-FILE-UNWRITABLE] Hint: 'Dockerfile' is a directory where a generated file goes: move it away. Nothing was written.",
  ],
  'project: a file where a generated directory goes': [
    "[shop/ci] path: must be a path synthesis can write (got '.github/workflows/ci.yml') [SS-FILE-UNWRITABLE] Hint: '.github/workflows' is a file where '.github/workflows/ci.yml' needs a directory: move it away. Nothing was written.",
    "[shop/ci] path: must be a path synthesis can write (got '.github/workflows/ci-updates.yml') [SS-FILE-UNWRITABLE] Hint: '.github/workflows' is a file where '.github/workflows/ci-updates.yml' needs a directory: move it away. Nothing was written.",
  ],
  'project: two images writing the same Dockerfile': [
    "[shop/image2] path: must be a path no other construct writes (also written by shop/image) (got 'Dockerfile') [SS-FILE-CLASH] Hint: Give one DockerImage another dockerfilePath (for example 'docker/Dockerfile').",
    "[shop/image2] path: must be a path no other construct writes (also written by shop/image) (got '.dockerignore') [SS-FILE-CLASH] Hint: Give one DockerImage another contextPath (for example 'services/api'): the .dockerignore is written at the root of its build context.",
  ],
  'project: configure with a misspelt option': [
    "[shop/Shipshape] repositroy: must be a known option: adopt, cloudFormationValidation, cache, repository, existingOidcProviderAccounts, registry, executionRole, auditTrail (did you mean 'repository'?) (got 'acme/shop') [SS-CONFIGURE]",
  ],
  'project: configure with an option of the wrong type': [
    "[shop/Shipshape] cache: must be of type boolean (got 'no') [SS-CONFIGURE]",
  ],
  'project: acknowledging a rule that does not exist': [
    "[shop/image] acknowledge.ruleId: must be the id of a policy rule: SS-DOCKER-NONROOT, SS-DOCKER-HEALTHCHECK, SS-DOCKER-PINNED-BASE, SS-DOCKER-LATEST, SS-DOCKER-BASE-DIGEST, SS-DOCKER-REMOTE-ADD, SS-DOCKER-APT, SS-DOCKER-SECRET, SS-WF-PINNED, SS-WF-PERMISSIONS, SS-WF-TIMEOUT, SS-CFN-PLAIN-DEPLOY, SS-X-HEALTH, SS-X-REQUIRED-CHECKS, SS-X-OIDC-SUBJECT, SS-X-ROLLBACK-ALARMS, SS-X-IMAGE-TAG, SS-IAM-MISSING, SS-IAM-BROAD, SS-BOOTSTRAP-MISSING, SS-NO-ENVIRONMENT (got 'SS-DOCKER-ROOT') [SS-ACK]",
  ],
  'pipeline: a patchJob callback that returns nothing': [
    '[shop/ci/jobs/lint] patchJob: must be an object returned by the callback (the value given to it, changed) (got undefined) [SS-JOB-PATCH]',
  ],
  'pipeline: a patchStep callback that throws': [
    "[shop/ci/jobs/lint] patchStep: must be a callback that returns the changed value (got 'a callback that threw: Cannot read properties of undefined (reading 'run')') [SS-STEP-PATCH]",
  ],
  'environment: a stack customization that throws': [
    "[shop/prod] addStackCustomization[0]: must be a stack customization that runs without throwing (got 'a callback that threw for service 'api': no such construct: Alb') [SS-ENV-CUSTOMIZATION]",
  ],
  'duration: a negative number of minutes': [
    '[Duration.minutes] minutes: must be a non-negative number of minutes that is a whole number of seconds (got -5) [SS-DURATION]',
  ],
  'service: a name with an invisible Unicode dash': [
    "[shop/api] name: must be a lowercase name of 1-32 characters: letters, digits and dashes, starting with a letter and not ending with a dash (got 'api\\u2010eu') [SS-SERVICE-NAME]",
  ],
  'project: mistakes in three constructs, reported together': [
    '[shop/api] port: must be >= 1 (got 0) [SS-SERVICE-PORT]',
    '[shop/prod] logRetentionDays: must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) (got 15) [SS-ENV-LOGRETENTIONDAYS]',
    "[shop/image] dockerfilePath: must be a relative path to a file named like 'Dockerfile' (got '') [SS-IMAGE-DOCKERFILEPATH]",
    "[shop/beta] values.qa: must be the name of an environment (prod) (got 'qa') [SS-FLAG-ENVIRONMENT]",
  ],
  'environment: a misspelt key inside domain': [
    "[shop/prod] domain.hostedZoneID: must be a known property (name, hostedZoneId, certificateArn): did you mean 'hostedZoneId'? (got 'Z1') [SS-ENV-DOMAIN]",
    '[shop/prod] domain: must be a hostedZoneId (for a DNS-validated certificate) or a certificateArn (got {"name":"api.example.com","hostedZoneID":"Z1"}) [SS-ENV-DOMAIN]',
  ],
  'monitoring: a built-in alarm limited to an unknown environment': [
    "[shop/monitoring] alarms.cpu.environments: must be the name of a declared environment (prod) (got 'qa') [SS-ALARM-ENVIRONMENT]",
  ],
  'environment: an access key in a variable, with another mistake': [
    '[shop/prod] logRetentionDays: must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) (got 15) [SS-ENV-LOGRETENTIONDAYS]',
    "[shop/prod] variables.AWS_ACCESS_KEY_ID: must be a value that is not a secret: it is written in clear into the generated files (got an AWS access key id, 'AKIA…' (20 characters, the rest hidden)) [SS-SECRET-PLAIN] Hint: Store it in AWS Secrets Manager and reference it: Service env { secret: '<name>' }, Environment secrets: { NAME: SecretRef.fromName('<name>') }, a workflow secret (${{ secrets.NAME }}) in pipeline steps, or Mount.secret() for a build. Then rotate the exposed one.",
  ],
  'project: a mistake the program cannot go on from, after another': [
    '[shop/api] port: must be >= 1 (got 0) [SS-SERVICE-PORT]',
    "[shop/api] id: must be an id no other construct under shop uses (already used by a Service) (got 'api') [SS-CONSTRUCT-ID] Hint: Give each construct its own id.",
  ],
  'pipeline: an override that writes a word for a timeout': [
    "[shop/ci] addOverride('jobs.lint.timeout-minutes'): must be a value that leaves a workflow GitHub's workflow parser accepts (Unexpected value 'ten') (got 'ten') [SS-WORKFLOW-OVERRIDE] Hint: .github/workflows/ci.yml line 24. Fix or remove this addOverride; the typed options (Pipeline props, patchJob) check their values.",
  ],
  'pipeline: an override that writes a number for runs-on': [
    '[shop/ci] addOverride(\'jobs.lint.runs-on\'): must be a value that leaves a workflow actionlint accepts (label "5" is unknown) (got 5) [SS-WORKFLOW-OVERRIDE] Hint: .github/workflows/ci.yml line 21. Fix or remove this addOverride; the typed options (Pipeline props, patchJob) check their values.',
  ],
  'strategy: a misspelt canary option': [
    "[DeploymentStrategy.canary] options.precent: must be a known option (percent, bake): did you mean 'percent'? (got 10) [SS-STRATEGY]",
  ],
  'compose: a misspelt postgres option': [
    "[ComposeDependency.postgres] options.databse: must be a known option (name, publish, image, database, user, password): did you mean 'database'? (got 'app') [SS-COMPOSE-DEPENDENCY]",
  ],
  'preset: a misspelt node preset option': [
    "[DockerPreset.node] options.entrypont: must be a known option (packageManager, runtime, entrypoint, outDir, buildCommand): did you mean 'entrypoint'? (got 'dist/main.js') [SS-DOCKER-PRESET]",
  ],
  'alarm metric: options that are not an object': [
    '[AlarmMetric.custom] options: must be an object of options (namespace, metricName, dimensions, statistic) (got undefined) [SS-ALARM-METRIC]',
  ],
  'construct: an id that is not a string': [
    '[shop] id: must be a non-empty string naming the construct (got 42) [SS-CONSTRUCT-ID]',
  ],
  'construct: an empty id': [
    "[shop] id: must be a non-empty string naming the construct (got '') [SS-CONSTRUCT-ID]",
  ],
  'project: a name that is not a string': [
    '[new Project] name: must be a non-empty string (it prefixes every stack, role and resource name) (got ["shop"]) [SS-PROJECT-NAME]',
  ],
  'environment: no props at all': [
    '[shop/prod] (props): must be an object of props (got undefined) [SS-ENV-PROPS]',
  ],
  'pipeline: props that are a number': [
    '[shop/ci] (props): must be an object of props, or nothing (got 42) [SS-PIPELINE-PROPS]',
  ],
  'feature flag: props that are a string': [
    "[shop/beta] (props): must be an object of props (got 'Beta') [SS-FLAG-PROPS]",
  ],
  'strategy: a misspelt option': [
    "[DeploymentStrategy.blueGreen] options.bakes: must be a known option (bake): did you mean 'bake'? (got \"5m\") [SS-STRATEGY]",
  ],
  'strategy: options that are a number': [
    "[DeploymentStrategy.canary] options: must be an object of options (percent, bake) (got 'fast') [SS-STRATEGY]",
  ],
  'pipeline: an id with a GitHub expression (it names the workflow file)': [
    "[shop/ci${{ github.token }}] id: must be a workflow file name of ASCII letters, digits, dots, dashes and underscores, starting with a letter or digit (it names .github/workflows/<id>.yml) (got 'ci${{ github.token }}') [SS-PIPELINE-ID]",
  ],
  'pipeline: a branch name too long for a file name (it names the ruleset file)': [
    "[shop/ci] path: must be a path synthesis can write (got '.github/rulesets/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...') [SS-FILE-UNWRITABLE] Hint: the name 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…' is 265 bytes long: file systems accept at most 255. Shorten the input it comes from. Nothing was written.",
  ],
  'pipeline: a check command with a NUL character': [
    "[shop/ci] checks.lint.command: must be a shell command without control characters (newlines and tabs are fine) (got 'npm run lint\\u0000') [SS-PIPELINE-CHECKS]",
  ],
  'image: preset options that are a function': [
    '[DockerPreset.node] options: must be an object of options (packageManager, runtime, entrypoint, outDir, buildCommand) (got a function) [SS-DOCKER-PRESET]',
  ],
};
