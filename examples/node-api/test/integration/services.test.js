'use strict';
// Integration: the service containers of the CI job answer (postgres accepts TCP, redis answers PING).
const assert = require('node:assert');
const net = require('node:net');
const { test } = require('node:test');

const exchange = (url, payload) => new Promise((resolve, reject) => {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname, () => (payload ? socket.write(payload) : resolve('connected')));
  socket.on('data', (d) => { resolve(d.toString()); socket.end(); });
  socket.on('error', reject);
  if (!payload) socket.on('connect', () => socket.end());
});

test('postgres accepts connections', { skip: !process.env.DATABASE_URL }, async () => {
  assert.strictEqual(await exchange(process.env.DATABASE_URL), 'connected');
});

test('redis answers PING', { skip: !process.env.REDIS_URL }, async () => {
  assert.strictEqual((await exchange(process.env.REDIS_URL, 'PING\r\n')).trim(), '+PONG');
});
