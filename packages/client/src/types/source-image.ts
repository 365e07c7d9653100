// The source image as origo (and rokka) answers it, and the lists that carry it.
// Written by hand from the server's wire shapes: the client depends on no
// server package, so these are the SDK's own promise about what it reads.

import type { DynamicMetadata } from './dynamic-metadata.ts';

/** `YYYY-MM-DDTHH:MM:SS+00:00` (RFC 3339), as every rokka client parses it. */
export type Timestamp = string;

/**
 * One user metadata value as it comes back: strings for `str`, `text`, `date`
 * (ISO) and `latlon` (`"lat,lon"`), numbers for `int`/`double`, string lists
 * for `array`/`array_text`.
 */
export type UserMetadataValue = string | number | boolean | readonly string[];

/**
 * User metadata keyed as stored: plain strings under their bare name
 * (`"category"`), every other type with its prefix (`"int:rank"`, `"array:tags"`).
 */
export type UserMetadata = Record<string, UserMetadataValue>;

/** Read-only data origo extracted from the file (`exif`, `iptc`, `icc`, `xmp`, …). */
export type StaticMetadata = Record<string, unknown>;

export interface SourceImage {
  /** 40 lowercase hex: the identity of the image inside its organization. */
  hash: string;
  /** The shortest unique prefix of `hash`, at least 6 characters; usable wherever `hash` is. */
  short_hash: string;
  /** SHA-1 of the uploaded bytes, 40 lowercase hex. */
  binary_hash: string;
  organization: string;
  name: string;
  /** File extension style: `jpg`, `png`, `gif`, `webp`, `svg`, `avif`, … */
  format: string;
  mimetype: string;
  /** Bytes of the stored original. */
  size: number;
  width: number;
  height: number;
  created: Timestamp;
  /** `/sourceimages/{org}/{hash}`, relative. */
  link: string;
  protected: boolean;
  locked: boolean;
  opaque: boolean;
  animated: boolean;
  deleted: boolean;
  /** Only on deleted images. */
  deleted_date?: Timestamp;
  /** origo always sends it (`{}` when empty); rokka may leave it out. */
  user_metadata?: UserMetadata;
  /** origo always sends it (`{}` when empty); rokka may leave it out. */
  dynamic_metadata?: DynamicMetadata;
  /** Left out when nothing was extracted. */
  static_metadata?: StaticMetadata;
  /** Seen on rokka.io; origo does not send it. */
  entropy?: number;
}

export interface ListLink {
  /** Relative, e.g. `/sourceimages/acme?limit=100&offset=100`. */
  href: string;
}

export interface ListLinks {
  next?: ListLink;
  prev?: ListLink;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SourceImageList {
  /** Every match, not just this page. */
  total: number;
  items: SourceImage[];
  /** Present unless a numeric offset was sent: pass it back as `offset` for the next page. */
  cursor?: string;
  links?: ListLinks;
  /** Keyed as requested in `facets=`: most frequent values first. */
  facets?: Record<string, FacetValue[]>;
}

/** The answer of a batch copy (`POST /sourceimages/{org}/copy`): hashes by what happened to them. */
export interface BatchCopyResult {
  created: string[];
  existing: string[];
  notfound: string[];
}
