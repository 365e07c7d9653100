// The error body every origo route answers with: rokka's error JSON, wrapped
// and flat at once so that every rokka client finds its fields.

export interface ErrorBody {
  error: {
    /** The HTTP status. */
    code: number;
    message: string;
    /** origo's stable code, e.g. `ORIGO_ERR_SEARCH_BAD_PARAMETER`; absent on rokka.io. */
    origo_code?: string;
  };
  code: number;
  message: string;
  /** True when the key or token is missing or wrong. */
  invalid_authentication?: boolean;
}

/** `{"status": "ok"}`, e.g. of `DELETE /stacks/{org}/{name}/cache`. */
export interface StatusOk {
  status: 'ok';
}

/** `POST /utils/{org}/sign_url`. */
export interface SignedUrl {
  signed_url: string;
}
