import { Project } from 'projen';
import { Duration, Monitoring } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const project: Project;
declare const api: Service;
new Monitoring(project, 'monitoring', {
  service: api,
  slo: {
    availability: { target: 99.9 },                // requests without a 5xx (load balancer 5xx included)
    latency: { thresholdMs: 500, target: 99 },     // requests the service answers within 500 ms
    window: Duration.days(30),                     // default; whole days from 7 to 90
    minimumRequestsPerHour: 100,                   // default: the traffic guard
  },
});

export {};
