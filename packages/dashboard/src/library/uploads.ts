// The files being uploaded: a queue sent a few at a time, each with its
// progress and outcome. A file whose bytes are already stored is told apart
// from a new image: the server answers the existing image for identical
// bytes without saying so, so the live images with the file's SHA-1 are
// looked up first, and the answer is "already stored" when its hash is one
// of them (or, where the browser cannot hash, one the grid already shows).

import type { OrigoClient, SourceImage } from 'origo-client';
import { useCallback, useRef, useState } from 'preact/hooks';
import { isSignedOut, messageOf } from '../errors.ts';
import { binaryHashOf, UploadRefused, uploadFile } from './upload-file.ts';

/** Files sent at once: enough to keep the line busy, few enough for a small server. */
export const UPLOAD_CONCURRENCY = 3;

export type UploadState = 'waiting' | 'uploading' | 'stored' | 'duplicate' | 'refused';

export interface UploadItem {
  id: number;
  name: string;
  /** Bytes to send (the request's size once known, the file's before). */
  total: number;
  sent: number;
  state: UploadState;
  /** Why it was refused, in the server's words. */
  message?: string;
  image?: SourceImage;
}

interface Options {
  client: OrigoClient;
  organization: string;
  token(): string | undefined;
  /** Whether the grid already shows an image of this hash. */
  isShown(hash: string): boolean;
  /** A new image was stored. */
  onStored(image: SourceImage): void;
  /** The token was refused (expired or revoked): the person must sign in again. */
  onUnauthorized(): void;
}

let nextId = 1;

export function useUploads(options: Options) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const latest = useRef(options);
  latest.current = options;
  const queue = useRef<{ id: number; file: File }[]>([]);
  const running = useRef(0);

  const update = useCallback((id: number, change: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const send = useCallback(
    async (id: number, file: File) => {
      const { client, organization, token, isShown, onStored } = latest.current;
      update(id, { state: 'uploading' });
      try {
        const binaryHash = await binaryHashOf(file);
        const existing =
          binaryHash === undefined
            ? []
            : (await client.getSourceImagesWithBinaryHash(organization, binaryHash)).items.map((i) => i.hash);
        const image = await uploadFile({
          baseUrl: client.url,
          organization,
          token: token(),
          file,
          onProgress: (sent, total) => update(id, { sent, total }),
        });
        const duplicate = binaryHash === undefined ? isShown(image.hash) : existing.includes(image.hash);
        setItems((list) =>
          list.map((item) =>
            item.id === id ? { ...item, sent: item.total, state: duplicate ? 'duplicate' : 'stored', image } : item,
          ),
        );
        if (!duplicate) onStored(image);
      } catch (err) {
        update(id, { state: 'refused', message: messageOf(err) });
        if ((err instanceof UploadRefused && err.status === 401) || isSignedOut(err)) latest.current.onUnauthorized();
      }
    },
    [update],
  );

  const pump = useCallback(() => {
    while (running.current < UPLOAD_CONCURRENCY) {
      const next = queue.current.shift();
      if (next === undefined) return;
      running.current += 1;
      send(next.id, next.file).finally(() => {
        running.current -= 1;
        pump();
      });
    }
  }, [send]);

  const add = useCallback(
    (files: readonly File[]) => {
      const added = files.map((file) => ({ id: nextId++, file }));
      setItems((list) => [
        ...list,
        ...added.map(
          ({ id, file }): UploadItem => ({ id, name: file.name, total: file.size, sent: 0, state: 'waiting' }),
        ),
      ]);
      queue.current.push(...added);
      pump();
    },
    [pump],
  );

  /** Takes the finished files off the list. */
  const clearFinished = useCallback(() => {
    setItems((list) => list.filter((item) => item.state === 'waiting' || item.state === 'uploading'));
  }, []);

  return { items, add, clearFinished };
}
