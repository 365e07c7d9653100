import { describe, expect, it } from 'vitest';
import { OrigoApiError, OrigoNetworkError } from '../http/errors.ts';
import { classifyError } from './classify-error.ts';
import { CliError } from './exit-codes.ts';

const apiError = (status: number, code?: string) =>
  new OrigoApiError({ status, code, message: 'Server said\nno', body: {}, method: 'GET', url: 'http://x/y' });

describe('classifyError', () => {
  it('maps HTTP statuses to the documented exit codes, on one line', () => {
    expect(classifyError(apiError(401), 'http://s').exitCode).toBe(3);
    expect(classifyError(apiError(403), 'http://s').exitCode).toBe(3);
    expect(classifyError(apiError(404, 'ORIGO_ERR_STACK_NOT_FOUND'), 'http://s')).toEqual({
      exitCode: 4,
      message: 'Server said no (HTTP 404): check the stack name; `origo stack list --org <org>` shows the stacks',
    });
    expect(classifyError(apiError(400), 'http://s').exitCode).toBe(2);
    expect(classifyError(apiError(500), 'http://s').exitCode).toBe(1);
  });

  it('names the server when it cannot be reached', () => {
    expect(classifyError(new OrigoNetworkError('connect ECONNREFUSED'), 'http://127.0.0.1:9')).toEqual({
      exitCode: 5,
      message: 'cannot reach origo at http://127.0.0.1:9: check --url / ORIGO_URL and that the server is running',
    });
  });

  it('keeps a CLI error as thrown, and anything else as exit 1', () => {
    expect(classifyError(new CliError(2, 'bad value'), '')).toEqual({ exitCode: 2, message: 'bad value' });
    expect(classifyError(new Error('boom'), '')).toEqual({ exitCode: 1, message: 'boom' });
  });
});
