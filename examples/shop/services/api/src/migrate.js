'use strict';
// The migration the deploy job runs with the new image before traffic moves (`migrate` in .projenrc.ts). A real
// one applies the schema changes (expand first, contract in a later release); its exit code decides the deploy.
process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'migrations applied', database: process.env.DATABASE_NAME })}\n`);
