// Sends one file to POST /sourceimages/{org} with XMLHttpRequest, for its
// upload progress. The SDK's createSourceImage reports progress only by
// sending the body as a stream, and Chromium refuses streamed request
// bodies over HTTP/1.1 (it wants HTTP/2), which is how origo is usually
// served; fetch has no other upload progress, XMLHttpRequest has.

import type { SourceImage } from 'origo-client';

export interface UploadFileOptions {
  /** The API base, e.g. client.url. */
  baseUrl: string;
  organization: string;
  token: string | undefined;
  file: File;
  /** Told the bytes of the request sent so far and the request's size. */
  onProgress(sent: number, total: number): void;
}

/** A refused upload, with the server's own message (which says what is wrong with the file). */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** rokka's error body: `{"error": {"message": …}, "message": …}`. */
function serverMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const message = body.error?.message ?? body.message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // Not JSON: a proxy's page, say.
  }
  return `The server refused the file (HTTP ${status}).`;
}

export function uploadFile(options: UploadFileOptions): Promise<SourceImage> {
  const { baseUrl, organization, token, file, onProgress } = options;
  const form = new FormData();
  form.append('filedata', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${baseUrl}/sourceimages/${encodeURIComponent(organization)}`);
    if (token !== undefined) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(new UploadRefused(serverMessage(xhr.responseText, xhr.status), xhr.status));
        return;
      }
      try {
        const body = JSON.parse(xhr.responseText) as { items?: SourceImage[] };
        const image = body.items?.[0];
        if (image === undefined) throw new Error('no image in the answer');
        resolve(image);
      } catch {
        reject(new Error('The server’s answer to the upload could not be read.'));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new Error('The server did not answer. Check your connection and try again.')),
    );
    xhr.send(form);
  });
}

/** SHA-1 of the file in hex, as the API's binary_hash; undefined where the browser offers no digest (plain http). */
export async function binaryHashOf(file: Blob): Promise<string | undefined> {
  if (globalThis.crypto?.subtle === undefined) return undefined;
  const digest = await crypto.subtle.digest('SHA-1', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
