// What every action on the image page is given: the image as it is now, and
// where to report it as the server answers it after a change.

import type { SourceImage } from 'origo-client';

export interface ImageActionProps {
  image: SourceImage;
  onChanged(image: SourceImage): void;
}
