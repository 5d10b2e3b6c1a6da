/**
 * The Synthetics canary of a service in an environment: inline code (no asset), an encrypted
 * artifacts bucket that only accepts TLS and forgets artifacts after 30 days.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { CANARY_CODE } from './canary-code';
import { canaryName } from '../../core/naming';
import type { CanaryModel } from '../../monitoring/model';

/**
 * The Synthetics runtime of every canary: the most recent Node.js and Puppeteer runtime (AWS, "Runtime versions using
 * Node.js and Puppeteer", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Library_nodejs_puppeteer.html:
 * "syn-nodejs-puppeteer-15.0 is the most recent Synthetics runtime for Node.js and Puppeteer"), newer than the
 * installed aws-cdk-lib names. The lighter runtime without a browser (syn-nodejs-3.x, "Runtime versions using Node.js")
 * runs only the multi-checks blueprint, a zipped `blueprint-config.json` without a handler (AWS, "Creating multi checks
 * blueprint canary"), not inline code with a handler: the canary stays on Puppeteer and uses only its HTTP steps.
 */
export const CANARY_RUNTIME = new synthetics.Runtime('syn-nodejs-puppeteer-15.0', synthetics.RuntimeFamily.NODEJS);

export interface ServiceCanaryProps {
  readonly service: string;
  readonly environment: string;
  readonly url: string;
  readonly canary: CanaryModel;
  /** The test listener of blue/green, canary and linear strategies: every journey runs through it too. */
  readonly test?: { readonly url: string; readonly header: string; readonly value: string };
}

export class ServiceCanary extends Construct {
  public readonly canary: synthetics.Canary;
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ServiceCanaryProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireArtifacts', expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.canary = new synthetics.Canary(this, 'Canary', {
      canaryName: canaryName(props.service, props.environment),
      runtime: CANARY_RUNTIME,
      test: synthetics.Test.custom({ code: synthetics.Code.fromInline(CANARY_CODE), handler: 'index.handler' }),
      schedule: synthetics.Schedule.rate(Duration.minutes(props.canary.everyMinutes)),
      timeout: Duration.seconds(props.canary.timeoutSeconds),
      environmentVariables: {
        BASE_URL: props.url,
        JOURNEYS: JSON.stringify(props.canary.journeys),
        ...(props.test ? { TEST_URL: props.test.url, TEST_HEADER: props.test.header, TEST_HEADER_VALUE: props.test.value } : {}),
      },
      artifactsBucketLocation: { bucket: this.bucket, prefix: 'canary' },
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(30),
      provisionedResourceCleanup: true,
    });
  }
}
