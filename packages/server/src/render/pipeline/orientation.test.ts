import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { AutorotateOperation, RotateOperation } from '../normalized.ts';
import { renderImage } from './render-image.ts';
import {
  area,
  BLUE,
  cropOp,
  type Decoded,
  decoded,
  facts,
  GREEN,
  near,
  quarters,
  RED,
  renderInput,
  YELLOW,
} from './test-fixtures.ts';

function rotateOp(angle: number, background_color = 'FFFFFF', background_opacity = 0): RotateOperation {
  return { name: 'rotate', angle, background_color, background_opacity };
}

function autorotateOp(more: Partial<AutorotateOperation> = {}): AutorotateOperation {
  return { name: 'autorotate', width: undefined, height: undefined, rotation_direction: 'clockwise', ...more };
}

/** Corner colours, 5 px in (JPEG blurs the quarters' edges). */
function corners(image: Decoded): number[][] {
  const r = image.width - 6;
  const b = image.height - 6;
  return [image.at(5, 5), image.at(r, 5), image.at(5, b), image.at(r, b)].map((p) => p.slice(0, 3));
}

function cornersNear(image: Decoded, expected: number[][]): boolean {
  return corners(image).every((c, i) => near(c, expected[i]!, 12));
}

describe('rotate', () => {
  it('90° turns clockwise and swaps the sides', async () => {
    const source = await quarters(300, 200);
    const out = await renderImage(renderInput(source, facts(300, 200), [rotateOp(90)]));
    const image = await decoded(out.bytes);
    expect([image.width, image.height, out.width, out.height]).toEqual([200, 300, 200, 300]);
    // The left column becomes the top row.
    expect(corners(image)).toEqual([BLUE, RED, YELLOW, GREEN]);
  });

  it('another angle grows the canvas with corners in the background colour', async () => {
    const source = await quarters(200, 200);
    const clear = await decoded((await renderImage(renderInput(source, facts(200, 200), [rotateOp(45)]))).bytes);
    expect(clear.width).toBeGreaterThan(280);
    expect(clear.at(0, 0)[3]).toBe(0);
    const painted = await decoded(
      (await renderImage(renderInput(source, facts(200, 200), [rotateOp(45, 'FF00FF', 100)]))).bytes,
    );
    expect(near(painted.at(1, 1), [255, 0, 255, 255], 2)).toBe(true);
  });

  it('a quarter turn carries the subject area along', async () => {
    // The subject sits in the green (top-right) quarter, which a clockwise turn takes to the bottom right.
    const source = await quarters(200, 200);
    const out = await renderImage(
      renderInput(source, facts(200, 200, { subjectArea: area(150, 20, 1, 1) }), [
        rotateOp(90),
        cropOp({ width: 100, height: 100 }),
      ]),
    );
    expect(corners(await decoded(out.bytes))).toEqual([GREEN, GREEN, GREEN, GREEN]);
  });
});

describe('autorotate', () => {
  it('applies the EXIF orientation', async () => {
    // Stored sideways: orientation 6 says "turn 90° clockwise to view".
    const source = await sharp(await quarters(300, 200))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await renderImage(renderInput(source, facts(300, 200), [autorotateOp()]));
    const image = await decoded(out.bytes);
    expect([image.width, image.height]).toEqual([200, 300]);
    expect(cornersNear(image, [BLUE, RED, YELLOW, GREEN])).toBe(true);
  });

  it('matches what sharp’s own auto-orientation shows, for all eight orientations', async () => {
    for (let orientation = 1; orientation <= 8; orientation++) {
      const source = await sharp(await quarters(300, 200))
        .jpeg({ quality: 95 })
        .withMetadata({ orientation })
        .toBuffer();
      const expected = await decoded(await sharp(source).autoOrient().png().toBuffer());
      const out = await renderImage(renderInput(source, facts(300, 200), [autorotateOp()]));
      const image = await decoded(out.bytes);
      expect([image.width, image.height], `orientation ${orientation}`).toEqual([expected.width, expected.height]);
      expect(cornersNear(image, corners(expected)), `orientation ${orientation}`).toBe(true);
    }
  });

  it('without the operation the stored orientation is left alone', async () => {
    const source = await sharp(await quarters(300, 200))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await decoded((await renderImage(renderInput(source, facts(300, 200), []))).bytes);
    expect([image.width, image.height]).toEqual([300, 200]);
  });

  it('turns to match a box of the other aspect, in the given direction', async () => {
    const source = await quarters(300, 200);
    const portrait = { width: 100, height: 300 };
    const cw = await decoded((await renderImage(renderInput(source, facts(300, 200), [autorotateOp(portrait)]))).bytes);
    expect([cw.width, cw.height]).toEqual([200, 300]);
    expect(corners(cw)).toEqual([BLUE, RED, YELLOW, GREEN]);
    const ccw = await decoded(
      (
        await renderImage(
          renderInput(source, facts(300, 200), [autorotateOp({ ...portrait, rotation_direction: 'counterclockwise' })]),
        )
      ).bytes,
    );
    expect(corners(ccw)).toEqual([GREEN, YELLOW, RED, BLUE]);
    const landscape = await decoded(
      (await renderImage(renderInput(source, facts(300, 200), [autorotateOp({ width: 300, height: 100 })]))).bytes,
    );
    expect([landscape.width, landscape.height]).toEqual([300, 200]);
  });
});
