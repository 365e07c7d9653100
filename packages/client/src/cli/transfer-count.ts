// The counts behind the progress bar: files finished and bytes moved, the
// bytes counted chunk by chunk as a file is sent or received, so a large
// file moves the bar while it is on its way rather than all at once at its end.

interface InFlight {
  size: number;
  counted: number;
}

export class TransferCount {
  files = 0;
  bytes = 0;
  readonly #inFlight = new Map<string, InFlight>();

  /**
   * `soFar` bytes of `file` (of `size` bytes) have moved in the current
   * attempt. Counts only what is new and never more than the file's size, so
   * a retry that starts again from 0, or the few bytes of multipart headers
   * around the file, count nothing twice. Returns the file's bytes counted.
   */
  moving(file: string, size: number, soFar: number): number {
    const entry = this.#inFlight.get(file) ?? { size, counted: 0 };
    this.#inFlight.set(file, entry);
    const next = Math.min(size, Math.max(entry.counted, soFar));
    this.bytes += next - entry.counted;
    entry.counted = next;
    return next;
  }

  /** `file` is finished (stored, skipped or failed): whatever of its `size` has not been counted is counted now. */
  done(file: string, size: number): void {
    const counted = this.#inFlight.get(file)?.counted ?? 0;
    this.#inFlight.delete(file);
    this.bytes += Math.max(0, size - counted);
    this.files += 1;
  }
}
