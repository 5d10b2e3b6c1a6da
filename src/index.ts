// shipshape's public API, name by name.

export { ShipshapeError, formatProblem } from './core/errors';
export type { Problem } from './core/errors';

export { Shipshape } from './shipshape';
export type { ShipshapeOptions } from './shipshape';

export { Service } from './service/service';
export type { ServiceProps } from './service/service';

export { Environment } from './environment/environment';
export type { EnvironmentProps, EnvironmentApproval } from './environment/environment';
export { DeploymentStrategy } from './environment/strategy';
export { Duration } from './core/duration';

export { DockerImage, DockerPreset } from './docker/docker-image';
export type { DockerImageProps } from './docker/docker-image';
export type { NodePresetOptions } from './docker/presets/node';
export type { ImageRef } from './docker/model';

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
  deployRoleName, deployRoleSubject, publishRoleName, driftRoleName, branchRoleSubject, ecrRepositoryName, stackName,
  lastGoodImageTagParameter, IMAGE_TAG_PARAMETER, STACK_OUTPUTS, ecrRegistry, registryEnvironment,
} from './core/naming';
export { ActionPins } from './github/pins';
export type { ActionPin } from './github/pins';
export type { StepModel as Step, Permissions, JobModel as Job } from './github/workflow';

export type { ProjectModel, RenderedFile } from './model';
