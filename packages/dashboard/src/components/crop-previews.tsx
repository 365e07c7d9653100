// Crops of the current image as a stack would cut them: the server centres
// each on the saved subject area (or the middle without one), so these show
// what the saved area does. They are renders of the current hash, which a
// saved change replaces, so they follow every save.

import type { SourceImage } from 'origo-client';
import { cropOperations } from '../image/render-urls.ts';
import { useRenderSrc } from '../image/use-render-src.ts';
import './crop-previews.css';

const CROPS = [
  { label: 'Square', width: 240, height: 240, operations: cropOperations(240, 240) },
  { label: 'Wide (16:9)', width: 320, height: 180, operations: cropOperations(320, 180) },
];

function Crop({ image, crop }: { image: SourceImage; crop: (typeof CROPS)[number] }) {
  const render = useRenderSrc(image, crop.operations);
  return (
    <figure class="crop-preview">
      {render === undefined ? (
        <div class="crop-missing" style={{ aspectRatio: `${crop.width} / ${crop.height}` }} />
      ) : (
        <img
          src={render.src}
          srcset={render.srcSet}
          width={crop.width}
          height={crop.height}
          alt={`${crop.label} crop of ${image.name}`}
        />
      )}
      <figcaption>{crop.label}</figcaption>
    </figure>
  );
}

export function CropPreviews({ image }: { image: SourceImage }) {
  const hasArea = image.dynamic_metadata?.subject_area !== undefined;
  return (
    <section class="card crop-previews" aria-labelledby="crop-previews-title">
      <h2 id="crop-previews-title">Crops</h2>
      <p class="hint">
        {hasArea ? 'Centred on the saved subject area.' : 'No subject area is saved: crops are centred.'}
      </p>
      <div class="crop-list">
        {CROPS.map((crop) => (
          <Crop key={crop.label} image={image} crop={crop} />
        ))}
      </div>
    </section>
  );
}
