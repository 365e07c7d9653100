// The SDK's generated API reference (`npm run docs:api`, TypeDoc): it builds
// from packages/client/typedoc.json with no warning, and documents the entry
// points users import, so a missing export or a broken link fails here
// rather than on the published page.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, type ProjectReflection, ReflectionKind, TSConfigReader, TypeDocReader } from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';

const OPTIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../typedoc.json');

let project: ProjectReflection | undefined;
const messages: string[] = [];
let warnings = 0;
let errors = 0;

beforeAll(async () => {
  const app = await Application.bootstrapWithPlugins({ options: OPTIONS }, [new TypeDocReader(), new TSConfigReader()]);
  // Kept for the failure message instead of printed, so a warning names itself in the test output.
  app.logger.log = (message: string, level: LogLevel) => {
    if (level >= LogLevel.Warn) messages.push(message);
  };
  project = await app.convert();
  if (project !== undefined) app.validate(project);
  warnings = app.logger.warningCount + app.logger.validationWarningCount;
  errors = app.logger.errorCount;
}, 60_000);

const moduleNamed = (name: string) => project?.getChildByName(name);

describe('the SDK API reference', () => {
  it('builds with no error and no warning', () => {
    expect(project, messages.join('\n')).toBeDefined();
    expect({ errors, warnings, messages }).toEqual({ errors: 0, warnings: 0, messages: [] });
  });

  it('documents OrigoClient and its source image methods', () => {
    const client = project?.getChildByName(['index', 'OrigoClient']);
    expect(client?.kind).toBe(ReflectionKind.Class);
    for (const method of ['createSourceImage', 'listSourceImages', 'iterateSourceImages']) {
      expect(client?.getChildByName(method)?.kind, method).toBe(ReflectionKind.Method);
    }
  });

  it('documents the move entry point with importFromServer', () => {
    expect(moduleNamed('move')?.kind).toBe(ReflectionKind.Module);
    expect(project?.getChildByName(['move', 'importFromServer'])?.kind).toBe(ReflectionKind.Function);
  });
});
