import { Project } from 'projen';
import { Shipshape } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const project: Project;
Shipshape.configure(project, { executionRole: { resourceTypes: {
  'AWS::Kinesis::Stream': { actions: ['kinesis:CreateStream', 'kinesis:DeleteStream', 'kinesis:DescribeStreamSummary'],
                            resources: ['arn:aws:kinesis:eu-west-1:333333333333:stream/orders'] },
} } });

export {};
