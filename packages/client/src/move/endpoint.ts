// The few API calls moving images needs, as one small port. The move logic is
// written against this rather than the whole SDK, so a test can point it at a
// hand-made server and the SDK's adapter (sdk-endpoint.ts) stays the only
// place that knows the SDK's method names and shapes.

/** The fields of a source image that moving reads and restores (rokka's SourceImage, §1.1 of the API spec). */
export interface MovedImage {
  hash: string;
  binary_hash: string;
  name: string;
  format: string;
  size: number;
  mimetype?: string;
  width?: number;
  height?: number;
  created?: string;
  user_metadata?: Record<string, unknown>;
  dynamic_metadata?: Record<string, unknown>;
  protected?: boolean;
  locked?: boolean;
}

/** An original to upload: its bytes, or a file holding them (sent as a stream). */
export type OriginalData = Uint8Array | { path: string };

/** A new image as uploaded: the original and everything that decides its hash and fields. */
export interface UploadRequest {
  name: string;
  data: OriginalData;
  userMetadata: Record<string, unknown>;
  dynamicMetadata: Record<string, unknown>;
  protected: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface MoveEndpoint {
  /** A short description for messages, e.g. the server's URL. */
  readonly label: string;
  /** How many images of `org` match `query` (search filters as list parameters); also proves key and org work. */
  count(org: string, query: Record<string, string>, options?: CallOptions): Promise<number>;
  /** Every image of `org` matching `query`, read page by page as they are needed (following cursors). */
  images(org: string, query: Record<string, string>, options?: CallOptions): AsyncIterable<MovedImage>;
  /** The image, or undefined when the server answers 404 for it. */
  find(org: string, hash: string, options?: CallOptions): Promise<MovedImage | undefined>;
  /** The original bytes, as chunks. */
  download(org: string, hash: string, options?: CallOptions): Promise<AsyncIterable<Uint8Array>>;
  /** Uploads one image and answers the image the server stored. */
  upload(org: string, image: UploadRequest, options?: CallOptions): Promise<MovedImage>;
  setLocked(org: string, hash: string, locked: boolean, options?: CallOptions): Promise<void>;
}
