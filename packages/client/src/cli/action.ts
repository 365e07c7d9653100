// Wraps a command's handler for commander: builds its context, and turns
// what it returns into the process's exit code (errors are left to main.ts).

import { Command } from 'commander';
import { type Context, contextFor } from './context.ts';
import type { ExitCode } from './exit-codes.ts';
import { rememberServerUrl } from './run-state.ts';

export type Handler = (ctx: Context, args: string[], command: Command) => Promise<ExitCode | undefined>;

export function action(handler: Handler): (...all: unknown[]) => Promise<void> {
  return async (...all: unknown[]) => {
    const command = all.at(-1);
    if (!isCommand(command)) throw new Error('commander gave no command to the action');
    const ctx = await contextFor(command);
    rememberServerUrl(ctx.settings.url);
    const code = await handler(ctx, command.args, command);
    if (code !== undefined) process.exitCode = code;
  };
}

const isCommand = (value: unknown): value is Command => value instanceof Command;
