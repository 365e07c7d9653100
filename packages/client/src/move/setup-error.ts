// A move that cannot start or go on as a whole (the source refuses the key,
// the organization does not exist, a server is down), as opposed to one image
// failing. It says which side and step failed and keeps the SDK's error as
// `cause`, so the CLI can turn it into an exit code.

/** Which end of the move failed: the server images come from, the one they go to, or the folder. */
export type MoveSide = 'source' | 'target' | 'folder';

export class MoveSetupError extends Error {
  override readonly name = 'MoveSetupError';

  constructor(
    message: string,
    readonly side: MoveSide,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export function isMoveSetupError(err: unknown): err is MoveSetupError {
  return err instanceof Error && err.name === 'MoveSetupError' && 'side' in err && 'cause' in err;
}

/** Runs `step`; an error from it becomes a MoveSetupError of `side` whose message starts with `what`. */
export async function setupStep<T>(side: MoveSide, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (isMoveSetupError(err)) throw err;
    throw new MoveSetupError(`${what}: ${err instanceof Error ? err.message : String(err)}`, side, err);
  }
}

/** Counts the images of `org` on the target, to learn early that the key and organization work. */
export async function checkOrganization(
  endpoint: { count(org: string, query: Record<string, string>): Promise<number> },
  org: string,
): Promise<void> {
  await endpoint.count(org, {});
}
