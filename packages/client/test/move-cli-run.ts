// Runs `origo import`/`origo export` as a child process (through
// move-cli-program.ts) with a clean environment: its own config folder and
// no ORIGO_* from the developer's shell.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROGRAM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'move-cli-program.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runOrigo(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ORIGO_')) clean[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', PROGRAM, ...args], {
    env: { ...clean, XDG_CONFIG_HOME: mkdtempSync(path.join(os.tmpdir(), 'origo-cli-config-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
