// What a move reports while it runs (for a progress bar) and when it ends.

export type ItemOutcome = 'copied' | 'skipped' | 'failed';

export interface MoveFailure {
  /** The source hash, or for a folder import the manifest line's hash (or `line <n>` when it has none). */
  hash: string;
  name?: string;
  reason: string;
}

export interface MoveSummary {
  copied: number;
  skipped: number;
  failed: MoveFailure[];
  /** Bytes of the originals copied (not of skipped ones). */
  bytes: number;
  elapsedMs: number;
}

export type MoveEvent =
  /** The number of images the run will look at, once the source says so. */
  | { type: 'total'; total: number }
  | { type: 'item'; outcome: ItemOutcome; hash: string; name?: string; bytes: number; reason?: string };

export type ProgressListener = (event: MoveEvent) => void;

/** Counts outcomes into a summary and passes each event on. */
export class SummaryRecorder {
  private readonly started = Date.now();
  private readonly summary: MoveSummary = { copied: 0, skipped: 0, failed: [], bytes: 0, elapsedMs: 0 };

  constructor(private readonly listener: ProgressListener | undefined) {}

  total(total: number): void {
    this.listener?.({ type: 'total', total });
  }

  copied(hash: string, name: string | undefined, bytes: number): void {
    this.summary.copied++;
    this.summary.bytes += bytes;
    this.listener?.({ type: 'item', outcome: 'copied', hash, name, bytes });
  }

  skipped(hash: string, name: string | undefined): void {
    this.summary.skipped++;
    this.listener?.({ type: 'item', outcome: 'skipped', hash, name, bytes: 0 });
  }

  failed(hash: string, name: string | undefined, reason: string): void {
    this.summary.failed.push(name === undefined ? { hash, reason } : { hash, name, reason });
    this.listener?.({ type: 'item', outcome: 'failed', hash, name, bytes: 0, reason });
  }

  finish(): MoveSummary {
    return { ...this.summary, failed: [...this.summary.failed], elapsedMs: Date.now() - this.started };
  }
}

/** An error's message for a failure reason, whatever was thrown. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
