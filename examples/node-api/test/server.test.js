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
