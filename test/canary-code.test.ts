/**
 * The canary's inline code, run in a sandbox with a stub Synthetics library: each journey's request (method, headers,
 * body) goes to the production URL and, with a test listener, through the test listener with the test header; a step
 * fails on another status than the expected one.
 */
import * as vm from 'vm';
import { CANARY_CODE } from '../src/cloudformation/monitoring/canary-code';

interface Step { name: string; request: Record<string, any> }

async function runCanary(env: Record<string, string>, status: (step: string) => number): Promise<{ steps: Step[]; error?: string }> {
  const steps: Step[] = [];
  const synthetics = {
    getConfiguration: () => ({ setConfig: () => undefined }),
    getCanaryUserAgentString: () => 'CloudWatchSynthetics/test',
    executeHttpStep: async (name: string, request: Record<string, any>, callback: (res: any) => Promise<void>) => {
      steps.push({ name, request });
      const handlers: Record<string, () => void> = {};
      const res = { statusCode: status(name), on: (event: string, f: () => void) => { handlers[event] = f; } };
      const done = callback(res);
      handlers.end();
      await done;
    },
  };
  const module = { exports: {} as { handler?: () => Promise<void> } };
  const require = (name: string) => {
    if (name !== '@aws/synthetics-puppeteer') throw new Error(`unexpected require ${name}`);
    return synthetics;
  };
  vm.runInNewContext(CANARY_CODE, { require, module, exports: module.exports, process: { env }, URL });
  try {
    await module.exports.handler!();
    return { steps };
  } catch (e) {
    return { steps, error: (e as Error).message };
  }
}

const JOURNEYS = JSON.stringify([
  { name: 'health', path: '/healthz', method: 'GET', headers: {}, expectStatus: 200 },
  { name: 'order', path: '/orders?x=1', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"canary"}', expectStatus: 201 },
]);
const TEST = { TEST_URL: 'https://api.example.com:8443', TEST_HEADER: 'x-shipshape-test', TEST_HEADER_VALUE: 'new-version' };

test('GIVEN a test listener THEN every journey runs against production, then through the test listener with the test header', async () => {
  const r = await runCanary({ BASE_URL: 'https://api.example.com', JOURNEYS, ...TEST }, (s) => (s.startsWith('order') ? 201 : 200));
  expect(r.error).toBeUndefined();
  expect(r.steps.map((s) => [s.name, s.request.method, s.request.hostname, s.request.port, s.request.path])).toEqual([
    ['health', 'GET', 'api.example.com', 443, '/healthz'],
    ['order', 'POST', 'api.example.com', 443, '/orders?x=1'],
    ['health new-version', 'GET', 'api.example.com', '8443', '/healthz'],
    ['order new-version', 'POST', 'api.example.com', '8443', '/orders?x=1'],
  ]);
  expect(r.steps[1].request.body).toBe('{"sku":"canary"}');
  expect(r.steps[1].request.headers).toEqual({ 'content-type': 'application/json', 'User-Agent': 'CloudWatchSynthetics/test' });
  expect(r.steps[3].request.headers).toEqual({ 'content-type': 'application/json', 'x-shipshape-test': 'new-version', 'User-Agent': 'CloudWatchSynthetics/test' });
});

test('GIVEN no test listener (rolling) THEN the journeys run once, against production', async () => {
  const r = await runCanary({ BASE_URL: 'https://api.example.com', JOURNEYS }, (s) => (s.startsWith('order') ? 201 : 200));
  expect(r.steps.map((s) => s.name)).toEqual(['health', 'order']);
});

test('GIVEN the new tasks answer 500 through the test listener THEN the run fails on that step', async () => {
  const r = await runCanary({ BASE_URL: 'https://api.example.com', JOURNEYS, ...TEST }, (s) => (s === 'order new-version' ? 500 : s.startsWith('order') ? 201 : 200));
  expect(r.error).toBe('POST https://api.example.com:8443/orders?x=1: expected 201, got 500');
});
