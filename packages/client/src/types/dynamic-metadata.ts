// Dynamic metadata: the definitions that take part in an image's hash and
// steer rendering (areas, version, links). Keyed by name on the image.

/** A box in pixels, or in percent of the image with `percentage: true`. */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Sent back only when true. */
  percentage?: boolean;
}

/** What may be sent for a subject area: width and height default to 1 (a point). */
export interface SubjectAreaInput {
  x: number;
  y: number;
  width?: number;
  height?: number;
  percentage?: boolean;
}

export type CropAreaInput = Area;

/** One named area of `multi_areas`: a subject area, a crop area or both. */
export interface NamedArea<A = Area> {
  subject_area?: A;
  crop_area?: A;
}

export interface VersionDefinition {
  text: string;
}

export interface LinkedDefinition {
  hashes: string[];
}

/** Dynamic metadata as stored on an image. Unknown names are kept for servers that have more. */
export interface DynamicMetadata {
  subject_area?: Area;
  crop_area?: Area;
  multi_areas?: Record<string, NamedArea>;
  version?: VersionDefinition;
  linked?: LinkedDefinition;
  detection_face?: Record<string, unknown>;
  [name: string]: unknown;
}

/** What `PUT /sourceimages/{org}/{hash}/meta/dynamic/{name}` takes, by name. */
export interface DynamicMetadataInputs {
  subject_area: SubjectAreaInput;
  crop_area: CropAreaInput;
  multi_areas: Record<string, NamedArea<SubjectAreaInput>>;
  version: VersionDefinition;
  linked: LinkedDefinition;
  detection_face: Record<string, never>;
}

export type DynamicMetadataName = keyof DynamicMetadataInputs;
