/**
 * Names that several outputs must agree on: the pipeline assumes the deploy role and deploys the
 * stack; the bootstrap stack creates the role and the image repository; the environment stack
 * names the cluster and service the pipeline waits for. One function per name, read everywhere.
 */

/** The IAM role GitHub Actions assumes (through OIDC) to deploy one environment. */
export function deployRoleName(projectName: string, envName: string): string {
  return `${projectName}-${envName}-deploy`;
}

/** The IAM role CloudFormation acts as while it deploys one environment's stacks (passed by the deploy role). */
export function cloudFormationExecutionRoleName(projectName: string, envName: string): string {
  return `${projectName}-${envName}-cfn-exec`;
}

/** The ECR repository of one service (one per account and region, created by the bootstrap stack). */
export function imageRepositoryName(service: string): string {
  return service;
}

/** The CloudFormation stack of one service in one environment. */
export function stackName(service: string, env: string): string {
  return `${service}-${env}`;
}

/** The ECS cluster of one service in one environment. */
export function clusterName(service: string, env: string): string {
  return `${service}-${env}`;
}

/** The ECS service name inside its cluster. */
export function ecsServiceName(service: string): string {
  return service;
}

/** The SSM parameter where the pipeline records the last image tag that deployed and verified. */
export function lastGoodImageTagParameter(service: string, env: string): string {
  return `/shipshape/${service}/${env}/last-good-image-tag`;
}
