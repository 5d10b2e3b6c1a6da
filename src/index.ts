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
export { Network, ScalingTarget, SecretRef } from './environment/infrastructure';
export type { DomainOptions, ScalingOptions, StackCustomization } from './environment/infrastructure';
export { ProdParity } from './environment/parity';
export type { ProdParityProps, ParityDifference } from './environment/parity';
export { Database } from './database/database';
export type { DatabaseProps } from './database/database';
export { FeatureFlag } from './flags/feature-flag';
export type { FeatureFlagProps } from './flags/feature-flag';
export { Duration } from './core/duration';

export { DockerImage, DockerPreset } from './docker/docker-image';
export type { DockerImageProps } from './docker/docker-image';
export type { NodePresetOptions } from './docker/presets/node';
export type { ImageRef } from './docker/model';

export { Pipeline } from './pipeline/pipeline';
export type { PipelineProps, JobOptions } from './pipeline/pipeline';
export { ActionPins } from './github/pins';
export type { ActionPin } from './github/pins';
export type { StepModel as Step, Permissions } from './github/workflow';

export type { ProjectModel, RenderedFile } from './model';
