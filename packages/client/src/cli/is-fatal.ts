// Errors that end a whole batch (upload, download, copy-all) rather than one
// item: with a wrong key, an unknown organization or the server gone, every
// other item would fail the same way.

import { classifyError } from './classify-error.ts';
import { EXIT } from './exit-codes.ts';

export function isRunEnding(err: unknown): boolean {
  const { exitCode } = classifyError(err, '');
  return exitCode === EXIT.auth || exitCode === EXIT.notFound || exitCode === EXIT.unreachable;
}
