import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as an OTLP/HTTP JSON export carries it, with the service.name of its resource. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[]; links?: Array<{ traceId: string; spanId: string }> }> }>;
  }>;
}

const valueOf = (v: AnyValue): unknown => v.stringValue ?? v.boolValue ?? v.doubleValue ?? (v.intValue === undefined ? undefined : Number(v.intValue));
const attributesOf = (list: KeyValue[] = []) => Object.fromEntries(list.map((kv) => [kv.key, valueOf(kv.value)]));
/** Ids arrive as hex in OTLP JSON; tolerate base64 (the protobuf JSON mapping) too. */
const hex = (id: string | undefined) => (id === undefined || id === '' ? undefined : /^[0-9a-f]+$/i.test(id) && id.length % 2 === 0 && id.length >= 16 ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

/**
 * An OTLP/HTTP trace receiver on a free local port: accepts `POST /v1/traces` with a JSON body
 * (gzipped or not), answers 200, keeps every span; anything else (protobuf included) is refused
 * with 415, and counted, so a test sees exports it could not read.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly refused: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.receive(request).then(
        (status) => response.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"error":"unsupported"}'),
        () => response.writeHead(400).end(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async receive(request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const type = request.headers['content-type'] ?? '';
    if (request.method !== 'POST' || request.url !== '/v1/traces' || !type.startsWith('application/json')) {
      this.refused.push(`${request.method} ${request.url} ${type}`);
      return 415;
    }
    let body = Buffer.concat(chunks);
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const payload = JSON.parse(body.toString('utf8')) as ExportRequest;
    for (const resourceSpans of payload.resourceSpans ?? []) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            traceId: hex(span.traceId)!,
            spanId: hex(span.spanId)!,
            parentSpanId: hex(span.parentSpanId),
            name: span.name,
            kind: span.kind,
            links: (span.links ?? []).map((l) => ({ traceId: hex(l.traceId)!, spanId: hex(l.spanId)! })),
            attributes: attributesOf(span.attributes),
          });
        }
      }
    }
    return 200;
  }

  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
