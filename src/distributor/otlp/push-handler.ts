// POST /otlp/v1/logs: OTLP/HTTP log exports (protobuf or JSON, optionally
// gzip, zstd or lz4 compressed), converted to Loki streams and pushed through
// the distributor like any other push. The steps and their order are Loki's:
// body limits, decompression, content type, decoding, conversion, push; every
// refusal is an OTLP error (HTTP status plus a google.rpc.Status body), except
// a missing tenant, which the authentication layer answers in plain text.

import { Messages } from '../../messages.js';
import { HttpError } from '../../server/http-error.js';
import { sendNoContent } from '../../server/respond.js';
import type { Handler, RequestContext } from '../../server/router.js';
import { resolveTenant, type TenantOptions } from '../../server/tenant.js';
import { type Distributor, PushError } from '../distributor.js';
import {
  AttributePolicyCache,
  DEFAULT_INDEX_LABEL_ATTRIBUTES,
  type GlobalOtlpConfig,
  type OtlpConfig,
} from './config.js';
import { checkContentEncoding, decompressBody } from './content-encoding.js';
import { otlpToPushRequest } from './convert.js';
import { decodeLogsExportJSON } from './decode-json.js';
import { decodeLogsExportProto } from './decode-protobuf.js';
import { OtlpRequestError } from './errors.js';
import type { LogsExport } from './model.js';
import { readLimitedBody } from './request-body.js';
import { writeOtlpError } from './status.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** The per-tenant limits the OTLP path reads (a `limits_config` has them). */
export interface OtlpLimits {
  readonly otlp_config: OtlpConfig;
  readonly discover_service_name: readonly string[];
}

export interface OtlpPushOptions {
  distributor: Distributor;
  tenants: TenantOptions;
  /** distributor.max_recv_msg_size: largest (compressed) body accepted; 0 for no limit. */
  maxRecvMsgSize: number;
  /** distributor.max_decompressed_size: largest decompressed body; 0 (the default) for no limit. */
  maxDecompressedSize?: number;
  limits: (tenant: string) => OtlpLimits;
  /** distributor.otlp_config; Loki's default index-label attributes when absent. */
  globalOtlpConfig?: GlobalOtlpConfig;
}

function header(ctx: RequestContext, name: string): string {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** Decodes by Content-Type, compared as sent (Loki takes no parameters such as charset). */
function decodeByContentType(contentType: string, data: Buffer): LogsExport {
  if (contentType === PROTOBUF) return decodeLogsExportProto(data);
  if (contentType === JSON_TYPE) return decodeLogsExportJSON(data);
  throw new OtlpRequestError(400, `content type: ${contentType} is not supported`);
}

/** The handler for POST /otlp/v1/logs. */
export function otlpPushHandler(opts: OtlpPushOptions): Handler {
  const policies = new AttributePolicyCache(
    opts.globalOtlpConfig ?? { default_resource_attributes_as_index_labels: DEFAULT_INDEX_LABEL_ATTRIBUTES },
  );
  const maxRecv = opts.maxRecvMsgSize;
  const maxDecompressed = opts.maxDecompressedSize ?? 0;

  return async (ctx: RequestContext): Promise<void> => {
    let tenant: string;
    try {
      tenant = resolveTenant(ctx, opts.tenants);
    } catch (err) {
      // No tenant at all is the authentication layer's plain-text 401; an invalid one is the handler's.
      if (err instanceof HttpError && err.status !== 401) {
        writeOtlpError(ctx.res, err.status, err.message);
        return;
      }
      throw err;
    }

    try {
      const encoding = header(ctx, 'content-encoding');
      checkContentEncoding(encoding);
      const body = await readLimitedBody(ctx.req, maxRecv);
      const decompressed = await decompressBody(body.data, encoding, maxDecompressed);
      if (body.tooLarge) throw new OtlpRequestError(413, Messages.bodyTooLarge(maxRecv + 1, maxRecv));
      if (decompressed.tooLarge) {
        throw new OtlpRequestError(413, Messages.decompressedTooLarge(maxDecompressed + 1, maxDecompressed));
      }
      const logs = decodeByContentType(header(ctx, 'content-type'), decompressed.data);
      const limits = opts.limits(tenant);
      const req = otlpToPushRequest(logs, {
        policy: policies.policyFor(limits.otlp_config),
        discoverServiceName: limits.discover_service_name,
      });
      await opts.distributor.push(tenant, req, Date.now(), { discoverServiceName: false });
    } catch (err) {
      if (err instanceof OtlpRequestError || err instanceof PushError) {
        writeOtlpError(ctx.res, err.status, err.message);
        return;
      }
      if (ctx.signal.aborted) throw err;
      // Anything unexpected is a 500 to Loki, answered as 503 so that clients retry.
      writeOtlpError(ctx.res, 500, err instanceof Error ? err.message : String(err));
      return;
    }
    sendNoContent(ctx);
  };
}
