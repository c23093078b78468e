// Requests the OTLP write path refuses before they reach the distributor,
// with the HTTP status Loki answers them with.

export class OtlpRequestError extends Error {
  override name = 'OtlpRequestError';
  constructor(
    /** 400 for a malformed or unusable request, 413 for one over a size limit. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body is not a well-formed OTLP logs export in its declared format. */
export class OtlpDecodeError extends OtlpRequestError {
  override name = 'OtlpDecodeError';
  constructor(message: string) {
    super(400, message);
  }
}
