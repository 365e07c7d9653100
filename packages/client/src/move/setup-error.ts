// A move that cannot start or go on as a whole (the source refuses the key,
// the organization does not exist, a server is down), as opposed to one image
// failing. It says which side and step failed and keeps the SDK's error as
// `cause`, so the CLI can turn it into an exit code.

export class MoveSetupError extends Error {
  override readonly name = 'MoveSetupError';

  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export function isMoveSetupError(err: unknown): err is MoveSetupError {
  return err instanceof Error && err.name === 'MoveSetupError' && 'cause' in err;
}

/** Runs `step`; an error from it becomes a MoveSetupError whose message starts with `what`. */
export async function setupStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new MoveSetupError(`${what}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** Reads the first page of `org` (asking for no items) to learn early that the key and organization work. */
export async function checkOrganization(
  endpoint: { pages(org: string, query: Record<string, string>): AsyncIterable<unknown> },
  org: string,
): Promise<void> {
  for await (const _page of endpoint.pages(org, { limit: '0' })) break;
}
