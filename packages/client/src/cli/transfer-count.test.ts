import { describe, expect, it } from 'vitest';
import { TransferCount } from './transfer-count.ts';

describe('TransferCount', () => {
  it('counts the bytes of a file chunk by chunk, before the file is done', () => {
    const count = new TransferCount();
    const sizes = [65_536, 65_536, 65_536, 3_392];
    let soFar = 0;
    const seen: number[] = [];
    for (const chunk of sizes) {
      soFar += chunk;
      count.moving('big.jpg', 200_000, soFar);
      seen.push(count.bytes);
    }
    expect(seen).toEqual([65_536, 131_072, 196_608, 200_000]);
    expect(count.files).toBe(0);
    count.done('big.jpg', 200_000);
    expect(count).toMatchObject({ files: 1, bytes: 200_000 });
  });

  it('counts a retried file once, and the multipart bytes around it not at all', () => {
    const count = new TransferCount();
    count.moving('a.jpg', 1000, 600);
    // The retry sends from the start again: nothing new until it passes 600.
    count.moving('a.jpg', 1000, 100);
    expect(count.bytes).toBe(600);
    count.moving('a.jpg', 1000, 900);
    // Headers and boundary make the body longer than the file.
    count.moving('a.jpg', 1000, 1250);
    expect(count.bytes).toBe(1000);
    count.done('a.jpg', 1000);
    expect(count).toMatchObject({ files: 1, bytes: 1000 });
  });

  it('counts a file never streamed (small, or skipped) whole when it is done, files side by side apart', () => {
    const count = new TransferCount();
    count.moving('big.jpg', 5000, 2000);
    count.done('small.png', 300);
    expect(count).toMatchObject({ files: 1, bytes: 2300 });
    count.moving('big.jpg', 5000, 5000);
    count.done('big.jpg', 5000);
    expect(count).toMatchObject({ files: 2, bytes: 5300 });
  });
});
