import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors.ts';

describe('docs/reference/errors.md', () => {
  it('lists every error code of the registry with its status', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/reference/errors.md'), 'utf8');
    for (const [code, status] of Object.entries(ERRORS)) {
      expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });
});
