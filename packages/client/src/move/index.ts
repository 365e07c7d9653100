// Moving images in and out: from a rokka-compatible server, to a folder, and
// back from a folder. Node only (it reads and writes files).

export type { CallOptions, MovedImage, MoveEndpoint, OriginalData, UploadRequest } from './endpoint.ts';
export { type ExportOptions, exportToDir } from './export-to-dir.ts';
export { type DirImportOptions, importFromDir } from './import-from-dir.ts';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_IN_MEMORY_BYTES,
  importFromServer,
  type ServerImportOptions,
} from './import-from-server.ts';
export { fileNameOf, MANIFEST_NAME, type ManifestEntry, type ParsedLine, parseManifestLine } from './manifest.ts';
export type { MoveQuery } from './move-query.ts';
export { endpointFromClient } from './sdk-endpoint.ts';
export { isMoveSetupError, MoveSetupError, type MoveSide } from './setup-error.ts';
export type { ItemOutcome, MoveEvent, MoveFailure, MoveSummary, ProgressListener } from './summary.ts';
