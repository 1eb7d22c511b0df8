import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { startTracing } from '@shecun/core';
import { requireBuild, ROOT } from '../support/child-app';
import { OtlpReceiver } from '../support/otlp-receiver';

const START_TRACING = join(ROOT, 'dist', 'libs', 'core', 'src', 'tracing', 'start-tracing.js');

/** A compiled process that starts tracing, ends one span, says "ready", and waits for a signal (handled by `onSignal`, if given). */
function tracedProcess(endpoint: string, onSignal?: string) {
  const script = `
    const { startTracing } = require(${JSON.stringify(START_TRACING)});
    startTracing('flush-check');
    ${onSignal ? `process.once('SIGTERM', ${onSignal});` : ''}
    require('@opentelemetry/api').trace.getTracer('test').startSpan('last words').end();
    setInterval(() => undefined, 1000);
    console.log('ready');`;
  // The batch would leave only after a minute: what arrives was flushed by the signal.
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_SERVICE_NAME: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exited };
}

describe('startTracing', () => {
  const receiver = new OtlpReceiver();
  beforeAll(async () => {
    requireBuild();
    await receiver.start();
  });
  afterAll(() => receiver.stop());

  it('given no OTLP endpoint, then it starts nothing: the API keeps its no-op tracer', () => {
    expect(startTracing('gateway', {})).toBeUndefined();
    const span = trace.getTracer('shecun').startSpan('x');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('given a process with no handler of its own, when it receives SIGTERM, then its buffered spans are exported and it ends by that signal', async () => {
    const traced = tracedProcess(receiver.url);
    await traced.ready;
    traced.child.kill('SIGTERM');
    expect(await traced.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(receiver.spans.filter((s) => s.name === 'last words').map((s) => s.service)).toEqual(['flush-check']);
  }, 30_000);

  it('given a process whose own SIGTERM handler exits after closing its work, then the spans are exported meanwhile and the handler decides the exit', async () => {
    receiver.spans.length = 0;
    const traced = tracedProcess(receiver.url, `() => setTimeout(() => process.exit(0), 300)`);
    await traced.ready;
    traced.child.kill('SIGTERM');
    expect(await traced.exited).toEqual({ code: 0, signal: null });
    expect(receiver.spans.filter((s) => s.name === 'last words').map((s) => s.service)).toEqual(['flush-check']);
    expect(receiver.refused).toEqual([]);
  }, 30_000);
});
