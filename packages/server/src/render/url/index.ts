// The render URL parser (spec §2); see parse-render-url.ts.
export { parseRenderUrl } from './parse-render-url.ts';
