// Render URLs: building them like rokka-render, signing them as origo verifies.

export { RenderUrlError } from './errors.ts';
export type {
  Anchor,
  Expression,
  OperationOptions,
  RenderFormat,
  RenderOperation,
  RenderOperationName,
  UrlStackOptions,
  UrlValue,
  Variables,
} from './operations.ts';
export { renderSignature, type SignUrlOptions, signedRenderUrl, signUrl, withoutSeoName } from './sign.ts';
export { type RenderHostOptions, type RenderUrlOptions, renderUrl, UNSET } from './url.ts';
