// The one deadline of a remote fetch, shared by its hops and its body.

/** One deadline for the whole fetch; whoever is active registers what to tear down. */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private onExpire: (() => void) | undefined;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const handler = this.onExpire;
      this.onExpire = undefined;
      handler?.();
    }, ms);
  }

  whenExpired(handler: () => void): void {
    this.onExpire = handler;
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.onExpire = undefined;
  }
}
