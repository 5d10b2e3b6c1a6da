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
export type { PipelineProps, JobOptions } from './pipeline/pipeline';
export { ActionPins } from './github/pins';
export type { ActionPin } from './github/pins';
export type { StepModel as Step, Permissions } from './github/workflow';

export type { ProjectModel, RenderedFile } from './model';

export { Monitoring } from './monitoring/monitoring';
export type { MonitoringProps, PresetOptions, PresetAlarms, CanaryOptions, Journey, LogOptions } from './monitoring/monitoring';
export { Alarm, AlarmMetric } from './monitoring/alarm';
export type { AlarmProps, AnomalyOptions, CompositeOptions, CustomMetricOptions } from './monitoring/alarm';
export { Severity } from './monitoring/severity';
export { EscalationPolicy } from './monitoring/escalation';
export type { EscalationPolicyProps, CriticalRoute, WarningRoute, SlackRoute, InfoRoute } from './monitoring/escalation';
export { Tracing } from './monitoring/tracing';
export type { XRayTracingOptions } from './monitoring/tracing';
export type { MonitoringModel, AlarmModel, SeverityLevel, PresetKind } from './monitoring/model';
