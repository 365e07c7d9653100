// Every request's bookkeeping, in one hook per phase. Fastify passes each
// request through every hook one by one, so one hook doing all of it costs a
// request one step where one hook per concern cost several. What each part
// does lives with its concern:
// - the count of handlers in flight, for the bounded stop (shutdown.ts);
// - the NUL refusal (nul-in-url.ts), the CORS headers (cors.ts) and the
//   Api-Version check (auth.ts), in that order, before the route's own
//   authentication (a route-level hook, auth.ts);
// - the send deadline (timeouts.ts);
// - reaping idle keep-alive connections while the server closes.

import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { apiVersionError } from './auth.ts';
import { corsHeaders } from './cors.ts';
import { nulInUrlError } from './nul-in-url.ts';
import { HandlersInFlight } from './shutdown.ts';
import { sendDeadline } from './timeouts.ts';

/** Register before any other onRequest hook, so that a request refused by one of them is counted too. */
export function registerRequestHooks(app: FastifyInstance, config: Config): void {
  const inFlight = new HandlersInFlight();
  app.decorate('handlersInFlight', inFlight);
  const cors = corsHeaders(config.corsOrigins);
  const deadline = sendDeadline(app, config);

  // close() reaps idle keep-alive connections once; a connection whose
  // response was still being written at that moment (a download whose last
  // bytes the client already has) would otherwise stay open until the
  // keep-alive timeout and hold up shutdown. Reap again as responses end.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', (request, reply, done) => {
    inFlight.begin(request);
    const nul = nulInUrlError(request.url);
    if (nul) {
      done(nul);
      return;
    }
    cors?.(request, reply);
    done(apiVersionError(request));
  });

  // A handler is done with storage once it sends its answer (a download's
  // stream only reads a blob file after that); from then on the client has
  // to read.
  app.addHook('onSend', (request, reply, payload, done) => {
    inFlight.end(request);
    deadline.arm(reply);
    done(null, payload);
  });

  // Also for answers that end without passing onSend.
  app.addHook('onResponse', (request, _reply, done) => {
    inFlight.end(request);
    if (closing) app.server.closeIdleConnections();
    done();
  });
}
