/**
 * The HTTP API of `weir serve` (fastify: routing, body limits and content-type handling are
 * its job, not ours):
 *
 *   POST   /events                    NDJSON or a JSON array → accepted/late/malformed counts
 *   GET    /statements                the deployed statements with their stats
 *   GET    /statements/:name
 *   POST   /statements                deploy EPL text (only with allowDeploy)
 *   DELETE /statements/:name          undeploy (only with allowDeploy)
 *   GET    /statements/:name/updates  Server-Sent Events, one update per listener call
 *   GET    /updates[?statements=a,b]  the same for several (default: all) statements
 *   GET    /metrics                   Prometheus text
 *   GET    /healthz
 *   GET    /                          the dashboard
 *
 * Every error is a 4xx/5xx JSON body with a WeirError code. Writes need the bearer token when
 * one is set. Ingest is bounded twice: requests being read at once (429) and events waiting
 * for the engine (503); both answers carry Retry-After.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WeirError, WeirErrors } from '../common/errors.js';
import type { StatementHandle } from '../runtime/api.js';
import { bearerTokenCheck } from './bearer-token.js';
import { dashboardAsset } from './dashboard-assets.js';
import { errorBody, httpError, statusOf } from './http-error.js';
import { formatMetrics } from './metrics.js';
import type { WeirService } from './weir-service.js';

export interface HttpOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Bearer token required by every write endpoint. */
  readonly token?: string;
  /** Whether POST/DELETE /statements are allowed. */
  readonly allowDeploy: boolean;
  /** Largest request body, bytes. */
  readonly bodyLimit: number;
  /** Most POST /events requests being read or processed at once. */
  readonly maxConcurrentIngest: number;
  /** How a deploy error is shown in the answer's `rendered` field (the CLI passes weir check's renderer). */
  readonly renderError?: (error: WeirError, text: string, file: string) => string;
}

export const DEFAULT_HTTP_OPTIONS: Omit<HttpOptions, 'token'> = {
  host: '127.0.0.1',
  port: 8080,
  allowDeploy: false,
  bodyLimit: 16 * 1024 * 1024,
  maxConcurrentIngest: 64,
};

const EVENT_MEDIA_TYPES = new Set([
  'application/x-ndjson',
  'application/jsonl',
  'application/json',
  'text/plain',
]);

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describe(h: StatementHandle) {
  return { name: h.name, text: h.text, columns: h.columns, isPattern: h.isPattern, stats: h.stats() };
}

function send(reply: FastifyReply, error: WeirError, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.code(statusOf(error.code)).send(errorBody(error));
}

/** Fastify's own errors (body too large, bad content type…) under our codes. */
function fromFastifyError(e: { code?: string; statusCode?: number; message: string }): WeirError {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError('serve/payload-too-large', `request body too large: ${e.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return httpError('serve/unsupported-media-type', e.message);
    default:
      return httpError('serve/bad-request', e.message);
  }
}

export async function startHttpServer(
  service: WeirService,
  options: HttpOptions,
): Promise<{ readonly app: FastifyInstance; readonly url: string }> {
  const app = Fastify({ bodyLimit: options.bodyLimit, logger: false, forceCloseConnections: true });
  const authorized = options.token === undefined ? () => true : bearerTokenCheck(options.token);
  let ingesting = 0;

  // Bodies arrive as text; each route reads its own format (so an event line's error can name its line).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((e, _request, reply) => {
    if (e instanceof WeirError) return send(reply, e);
    const fastifyError = e as { code?: string; statusCode?: number; message: string };
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
      return send(reply, fromFastifyError(fastifyError));
    }
    // Not a problem of the request: a 500 with one line, never a stack trace.
    return reply
      .code(500)
      .send(errorBody(httpError('serve/internal-error', `internal error: ${fastifyError.message}`)));
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, httpError('serve/not-found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  /** Write endpoints: the token first (before the body is read), then deploy permission. */
  const requireToken = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!authorized(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      return send(reply, httpError('serve/unauthorized', 'missing or wrong bearer token'));
    }
  };
  const requireDeploy = async (request: FastifyRequest, reply: FastifyReply) => {
    const denied = await requireToken(request, reply);
    if (denied !== undefined) return denied;
    if (!options.allowDeploy) {
      return send(
        reply,
        httpError(
          'serve/deploy-disabled',
          'deploying over HTTP is off; start weir serve with --allow-deploy',
        ),
      );
    }
  };

  app.post(
    '/events',
    {
      onRequest: async (request, reply) => {
        const denied = await requireToken(request, reply);
        if (denied !== undefined) return denied;
        if (ingesting >= options.maxConcurrentIngest) {
          return send(
            reply,
            httpError(
              'serve/too-many-requests',
              `more than ${options.maxConcurrentIngest} ingest requests at once`,
            ),
            1,
          );
        }
        ingesting++;
        reply.raw.once('close', () => ingesting--);
      },
    },
    async (request, reply) => {
      const type = mediaType(request);
      if (type !== '' && !EVENT_MEDIA_TYPES.has(type)) {
        return send(
          reply,
          httpError(
            'serve/unsupported-media-type',
            `POST /events takes application/x-ndjson or application/json, not ${type}`,
          ),
        );
      }
      const query = request.query as { type?: string; timeField?: string };
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        const outcome = await service.ingestText(body, 'POST /events', query.type, query.timeField);
        const everyLineBad = outcome.accepted + outcome.late === 0 && outcome.malformed.length > 0;
        return reply.code(everyLineBad ? 400 : 200).send({
          accepted: outcome.accepted,
          late: outcome.late,
          malformed: outcome.malformed.length,
          errors: outcome.malformed,
        });
      } catch (e) {
        if (e instanceof WeirError && e.code === 'serve/overloaded') {
          return send(reply, e, service.queue.retryAfterSeconds());
        }
        throw e;
      }
    },
  );

  app.get('/statements', async () => service.engine.statements().map(describe));
  app.get('/statements/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const handle = service.engine.statement(name);
    if (handle === undefined)
      return send(reply, httpError('runtime/unknown-statement', `no statement named '${name}'`));
    return describe(handle);
  });

  app.post('/statements', { onRequest: requireDeploy }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    let text = raw;
    if (mediaType(request) === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (e) {
        return send(reply, httpError('serve/bad-request', `invalid JSON: ${(e as Error).message}`));
      }
      const epl = (parsed as { epl?: unknown } | null)?.epl;
      if (typeof epl !== 'string') {
        return send(reply, httpError('serve/bad-request', 'expected {"epl": "<EPL text>"}'));
      }
      text = epl;
    }
    const file = 'POST /statements';
    try {
      // Deployed between two events, never in the middle of a payload.
      const handles = await service.queue.barrier(() => service.deploy(text, file));
      return reply.code(201).send(handles.map(describe));
    } catch (e) {
      const errors = e instanceof WeirErrors ? e.errors : e instanceof WeirError ? [e] : [];
      if (errors.length === 0) throw e;
      const first = errors[0] as WeirError;
      return reply.code(400).send({
        error: {
          code: first.code,
          // A refusal that is not about the text itself (snapshot/unsupported) says why directly.
          message:
            errors.length === 1 && first.span === undefined
              ? first.message
              : `${errors.length} error${errors.length === 1 ? '' : 's'} in the EPL text`,
        },
        errors: errors.map((err) => ({
          code: err.code,
          message: err.message,
          ...(err.span === undefined ? {} : { line: err.span.line, column: err.span.column }),
          ...(options.renderError === undefined ? {} : { rendered: options.renderError(err, text, file) }),
        })),
      });
    }
  });

  app.delete('/statements/:name', { onRequest: requireDeploy }, async (request, reply) => {
    const { name } = request.params as { name: string };
    await service.queue.barrier(() => service.undeploy(name));
    return reply.code(204).send();
  });

  const stream = (request: FastifyRequest, reply: FastifyReply, names: readonly string[] | undefined) => {
    for (const name of names ?? []) {
      if (service.engine.statement(name) === undefined) {
        return send(reply, httpError('runtime/unknown-statement', `no statement named '${name}'`));
      }
    }
    reply.hijack();
    service.sse.attach(reply.raw, names === undefined ? undefined : new Set(names));
    request.raw.socket.setNoDelay(true);
    return reply;
  };
  app.get('/statements/:name/updates', async (request, reply) =>
    stream(request, reply, [(request.params as { name: string }).name]),
  );
  app.get('/updates', async (request, reply) => {
    const list = (request.query as { statements?: string }).statements;
    return stream(request, reply, list === undefined || list === '' ? undefined : list.split(','));
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(formatMetrics(service.metrics())),
  );
  app.get('/healthz', async () => ({
    status: 'ok',
    uptimeSeconds: Math.round((Date.now() - service.startedAt) / 1000),
    statements: service.engine.statements().length,
    queuedEvents: service.queue.queued,
    eventTime: service.engine.stats().currentTime ?? null,
  }));

  app.get('/', async (_request, reply) => serveAsset(reply, 'index.html'));
  app.get('/dashboard/:file', async (request, reply) =>
    serveAsset(reply, (request.params as { file: string }).file),
  );

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}` };
}

function serveAsset(reply: FastifyReply, file: string): FastifyReply {
  const asset = dashboardAsset(file);
  if (asset === undefined) return send(reply, httpError('serve/not-found', `no dashboard file '${file}'`));
  return reply.type(asset.contentType).header('cache-control', 'no-cache').send(asset.body);
}
