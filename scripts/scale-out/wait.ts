// Readiness by polling with a deadline, so a slow (loaded) machine only costs
// time, while a server that dies or never comes up fails fast with its log.
import { logTail, type ServerProcess } from './processes.ts';

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { deadlineMs: number; servers: ServerProcess[]; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.deadlineMs;
  const interval = options.intervalMs ?? 50;
  let lastError = '';
  for (;;) {
    const dead = options.servers.find((server) => server.hasExited());
    if (dead) {
      throw new Error(
        `${dead.name} exited (${await dead.exited}) while waiting for ${what}; last lines of ${dead.logFile}:\n${logTail(dead.logFile)}`,
      );
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const logs = options.servers.map((server) => `--- ${server.logFile}:\n${logTail(server.logFile)}`).join('\n');
      throw new Error(
        `${what} not ready after ${options.deadlineMs} ms${lastError ? ` (last error: ${lastError})` : ''}\n${logs}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
