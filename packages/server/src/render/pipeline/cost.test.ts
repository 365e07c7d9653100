// The common case's cost next to a bare sharp call on the same input
// (the benchmark target is ≥ 0.8× bare sharp's throughput). Speed is
// measured in bench/, not asserted: this prints the ratio and checks only
// that both produce the same size.

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderImage } from './render-image.ts';
import { cropOp, facts, renderInput, resizeOp } from './test-fixtures.ts';

const ROUNDS = 6;

async function millis(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await run();
  return Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
}

describe('cost of the common case', () => {
  it('2725×2225 JPEG → 720×588 q80, against bare sharp', async () => {
    const source = await sharp({
      create: {
        width: 2725,
        height: 2225,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const image = facts(2725, 2225, { format: 'jpg' });
    const output = { format: 'jpg' as const, quality: 80 };
    const bare = () => sharp(source).resize(720, 588).jpeg({ quality: 80 }).toBuffer();
    const resizeOnly = () => renderImage(renderInput(source, image, [resizeOp({ width: 720 })], output));
    const resizeCrop = () =>
      renderImage(renderInput(source, image, [resizeOp({ width: 800 }), cropOp({ width: 720, height: 588 })], output));

    const rendered = await resizeOnly();
    expect([rendered.width, rendered.height]).toEqual([720, 588]);
    expect([(await resizeCrop()).width, (await resizeCrop()).height]).toEqual([720, 588]);

    const bareMs = await millis(bare);
    const resizeMs = await millis(resizeOnly);
    const cropMs = await millis(resizeCrop);
    console.log(
      `bare sharp ${bareMs.toFixed(1)} ms; renderImage resize ${resizeMs.toFixed(1)} ms ` +
        `(${(bareMs / resizeMs).toFixed(2)}× bare throughput); resize+crop ${cropMs.toFixed(1)} ms ` +
        `(${(bareMs / cropMs).toFixed(2)}×)`,
    );
  });
});
