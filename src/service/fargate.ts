/**
 * The CPU and memory combinations AWS Fargate accepts for a Linux task
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
 * Kept as a plain table so that validating a Service never loads aws-cdk-lib.
 */
const GIB = 1024;

function range(fromGiB: number, toGiB: number, stepGiB: number): number[] {
  const out: number[] = [];
  for (let g = fromGiB; g <= toGiB; g += stepGiB) out.push(g * GIB);
  return out;
}

/** CPU units → the memory values (MiB) Fargate accepts with it. */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1, 4, 1),
  1024: range(2, 8, 1),
  2048: range(4, 16, 1),
  4096: range(8, 30, 1),
  8192: range(16, 60, 4),
  16384: range(32, 120, 8),
};

/** True when Fargate runs a task of this size. */
export function isFargateSize(cpu: number, memoryMiB: number): boolean {
  return FARGATE_SIZES[cpu]?.includes(memoryMiB) ?? false;
}

/** What a user may choose, for an error message. */
export function describeFargateSizes(cpu: number): string {
  const memories = FARGATE_SIZES[cpu];
  if (!memories) return `a Fargate CPU value (${Object.keys(FARGATE_SIZES).join(', ')})`;
  return `a memory Fargate accepts with ${cpu} CPU units: ${memories.join(', ')} MiB`;
}
