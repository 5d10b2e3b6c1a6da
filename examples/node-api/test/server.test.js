'use strict';
const assert = require('node:assert');
const http = require('node:http');
const { test } = require('node:test');
const { handler } = require('../src/server');

test('GET /healthz answers 200', async () => {
  const server = http.createServer(handler).listen(0);
  const { port } = server.address();
  const status = await new Promise((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/healthz`, (res) => resolve(res.statusCode)).on('error', reject);
  });
  server.close();
  assert.strictEqual(status, 200);
});

test('metric() writes one embedded-metric-format line in the node-api namespace', () => {
  const { metric } = require('../src/server');
  const written = [];
  const write = process.stdout.write;
  process.stdout.write = (chunk) => { written.push(String(chunk)); return true; };
  try {
    metric('Signups', 1, 'Count', 1700000000000);
  } finally {
    process.stdout.write = write;
  }
  const line = JSON.parse(written.join(''));
  assert.deepStrictEqual(line._aws.CloudWatchMetrics, [{ Namespace: 'node-api', Dimensions: [[]], Metrics: [{ Name: 'Signups', Unit: 'Count' }] }]);
  assert.strictEqual(line.Signups, 1);
});
