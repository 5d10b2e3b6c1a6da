// shipshape's public API, name by name.

export { ShipshapeError, formatProblem } from './core/errors';
export type { Problem } from './core/errors';

export { Shipshape } from './shipshape';
export type { ShipshapeOptions } from './shipshape';
export type { ExecutionRoleOptions } from './iam/options';
export type { AuditTrailOptions } from './environment/audit-trail';
export type { ExtraTypePermissions } from './iam/template-needs';

export { Service } from './service/service';
export type { ServiceProps, ServiceEnvVar, ServiceMigrate } from './service/service';
export { Worker } from './workloads/worker';
export type { WorkerProps, WorkerQueueOptions, WorkerScalingOptions } from './workloads/worker';
export { ScheduledJob } from './workloads/scheduled-job';
export type { ScheduledJobProps } from './workloads/scheduled-job';

export { Environment } from './environment/environment';
export type { EnvironmentProps, EnvironmentApproval } from './environment/environment';
export { DeploymentStrategy } from './environment/strategy';
export { Network, ScalingTarget, SecretRef } from './environment/infrastructure';
export type { DomainOptions, ScalingOptions } from './environment/infrastructure';
export type { StackCustomization } from './environment/model';
export { ProdParity } from './environment/parity';
export type { ProdParityProps, ParityDifference } from './environment/parity';
export { Database } from './database/database';
export type { DatabaseProps, DatabaseSize, RestoreTestingProps } from './database/database';
export { FeatureFlag } from './flags/feature-flag';
export type { FeatureFlagProps } from './flags/feature-flag';
export { Duration } from './core/duration';

export { DockerImage, DockerPreset } from './docker/docker-image';
export type { DockerImageProps } from './docker/docker-image';
export type { NodePresetOptions } from './docker/presets/node';
export type { PythonPresetOptions } from './docker/presets/python';
export type { GoPresetOptions } from './docker/presets/go';
export type { CustomPresetOptions } from './docker/preset';
export { Dockerfile, Stage, Mount } from './docker/dockerfile';
export type { CopyOptions, AddOptions, HealthcheckOptions, StageOptions } from './docker/dockerfile';
export { BaseImages } from './docker/base-images';
export type { BaseImageName } from './docker/base-images';
export { HealthCommand } from './docker/defaults';
export type { HealthcheckTiming, ImageWorkload, PresetContext, RuntimeDefaults } from './docker/defaults';
export type { ImageRef } from './docker/model';

export { LocalDev } from './compose/local-dev';
export type { LocalDevProps } from './compose/local-dev';
export { ComposeDependency, PostgresDependency, RedisDependency } from './compose/dependency';
export type { DependencyOptions, PostgresOptions, RedisOptions, CustomDependencyOptions } from './compose/dependency';

export { Pipeline } from './pipeline/pipeline';
export type { PipelineProps, JobOptions, JobPatch, StepPatch } from './pipeline/pipeline';
export type { ChecksOptions, Check, CheckOptions, TestCheck, TestCheckOptions, ScansOptions, Scan, DeployOptions, GuardrailsOptions, BudgetOptions } from './pipeline/options';
export { Toolchain } from './pipeline/toolchain';
export type { NodeToolchainOptions, PythonToolchainOptions, GoToolchainOptions } from './pipeline/toolchain';
export { ServiceContainer } from './pipeline/service-container';
export type { CustomServiceContainerOptions } from './pipeline/service-container';
export { criticalPath } from './pipeline/budget';
export type { CriticalPath } from './pipeline/budget';
export {
  deployRoleName, deployRoleSubject, publishRoleName, driftRoleName, branchRoleSubject, imageRepositoryName, stackName,
  lastGoodImageTagParameter, IMAGE_TAG_PARAMETER, STACK_OUTPUTS, ecrRegistry, registryEnvironment, registryLocation,
  cloudFormationExecutionRoleName, clusterName,
  ecsServiceName, templateBucketName, templatePrefix, TEMPLATE_UPLOADS_PREFIX, lastGoodTemplateKey, roleArn,
  eventsTopicName, topicArnVariable, QUEUE_URL_VARIABLE, workerQueueName, deadLetterQueueName,
} from './core/naming';
export type { RegistryLocation } from './core/naming';
export { ActionPins } from './github/pins';
export type { ActionPin } from './github/pins';
export type { StepModel as Step, Permissions, JobModel as Job } from './github/workflow';

export type { ProjectModel, RenderedFile, ScheduledJobModel } from './model';

export { Monitoring } from './monitoring/monitoring';
export type { MonitoringProps, PresetOptions, PresetAlarms, CanaryOptions, Journey, LogOptions } from './monitoring/monitoring';
export type { SloOptions, AvailabilityObjective, LatencyObjective } from './monitoring/slo';
export { Alarm, AlarmMetric } from './monitoring/alarm';
export type { AlarmProps, AnomalyOptions, CompositeOptions, CustomMetricOptions } from './monitoring/alarm';
export { Severity } from './monitoring/severity';
export { EscalationPolicy } from './monitoring/escalation';
export type { EscalationPolicyProps, CriticalRoute, WarningRoute, SlackRoute, InfoRoute } from './monitoring/escalation';
export { Tracing } from './monitoring/tracing';
export type { XRayTracingOptions } from './monitoring/tracing';
export type { MonitoringModel, AlarmModel, SeverityLevel, PresetKind } from './monitoring/model';
export { importCopilot, writeImport } from './import/copilot';
export type { ImportResult, ImportOptions, ImportPlan, WriteImportOptions, ReportEntry } from './import/copilot';
