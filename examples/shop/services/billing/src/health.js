'use strict';
// The worker's health command: exit 0 while the process can work (the container health check and HEALTHCHECK).
process.exit(0);
