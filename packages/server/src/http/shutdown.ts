// A bounded stop: stop accepting, give requests in flight a grace period,
// then cut the connections still open (a stalled upload, a download nobody
// reads) and wait briefly for their handlers to unwind (remove temp files,
// end a transaction) so the database is not closed under them.

import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Longest wait, after the connections are cut, for handlers to unwind. */
const UNWIND_MS = 5_000;

export interface StopReport {
  /** Connections still open when the grace period ended, closed by force. */
  cutConnections: number;
  /** Handlers still running when the unwind wait ended. */
  unfinishedHandlers: number;
}

/** Requests whose handler has not produced its answer yet (counted by request-hooks.ts). */
export class HandlersInFlight {
  private readonly running = new Set<FastifyRequest>();
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.running.size;
  }

  begin(request: FastifyRequest): void {
    this.running.add(request);
  }

  end(request: FastifyRequest): void {
    if (!this.running.delete(request) || this.running.size > 0) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once none is running or after `timeoutMs`, with how many are still running. */
  async settled(timeoutMs: number): Promise<number> {
    if (this.running.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    return this.running.size;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests whose handler has not produced its answer yet. */
    handlersInFlight: HandlersInFlight;
  }
}

export async function stopServer(app: FastifyInstance, graceMs: number): Promise<StopReport> {
  let cutConnections = 0;
  const closed = app.close();
  const grace = setTimeout(() => {
    app.server.getConnections((_err, count) => {
      cutConnections = count;
      app.server.closeAllConnections();
    });
  }, graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(grace);
  }
  const unfinishedHandlers = await app.handlersInFlight.settled(UNWIND_MS);
  return { cutConnections, unfinishedHandlers };
}
