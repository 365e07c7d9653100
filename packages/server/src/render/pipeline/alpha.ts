// alpha: work on the transparency. origo's reading of rokka's modes:
//   mask    – the alpha channel as a grey picture (white = opaque), no transparency;
//   extract – the shape only: every colour black, the alpha kept;
//   remove  – the alpha channel dropped, colours as stored under it;
//   apply   – the alpha multiplied by `opacity` percent (an opaque image becomes see-through).

import type { AlphaOperation } from '../normalized.ts';
import { fromPixels, readyFor, type Working } from './working.ts';

async function rgbaPixels(w: Working): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await w.pipeline
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function closed(w: Working, pipeline: Working['pipeline']): Working {
  return { ...w, pipeline, queued: ['closed'] };
}

export async function alpha(current: Working, op: AlphaOperation): Promise<Working> {
  if (op.mode === 'remove') {
    const w = await readyFor(current, 'other');
    return closed(w, w.pipeline.removeAlpha());
  }
  const { data, width, height } = await rgbaPixels(current);
  if (op.mode === 'mask') {
    return closed(current, fromPixels(data, width, height, 4).extractChannel(3).toColourspace('srgb'));
  }
  for (let i = 0; i < data.length; i += 4) {
    if (op.mode === 'extract') {
      data[i] = 0;
      data[i + 1] = 0;
      data[i + 2] = 0;
    } else {
      data[i + 3] = Math.round((data[i + 3]! * op.opacity) / 100);
    }
  }
  return { ...current, pipeline: fromPixels(data, width, height, 4), queued: [] };
}
