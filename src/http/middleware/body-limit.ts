import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";

/** Any form or JSON a person posts is far below this; webhooks read within their own lower limits. */
export const FORM_MAX_BODY_BYTES = 1024 * 1024;
/** The quote-video upload: the video's own 16 MB, plus room for the form around it. */
export const QUOTE_VIDEO_MAX_BODY_BYTES = 16 * 1024 * 1024 + 64 * 1024;
/** The one route that takes the larger body. */
const QUOTE_VIDEO_PATH = /^\/issues\/[^/]+\/quote-message$/;
/** A site photo from an engineer's phone: the photo's own 15 MB (MAX_SITE_PHOTO_BYTES), plus the form. */
export const SITE_PHOTO_MAX_BODY_BYTES = 15 * 1024 * 1024 + 64 * 1024;
const SITE_PHOTO_PATH = /^\/my-day\/visits\/[^/]+\/photos$/;
/** Webhooks read their raw bytes within their own, lower limits (readRawBody), answering in their own words. */
const WEBHOOK_PATH = /^\/api\/(twilio|whatsapp)\/|^\/api\/stripe\/webhook$/;

const limit = (maxSize: number, message: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new HTTPException(413, { message });
    },
  });

/**
 * Every request's body is bounded before anything reads it: a larger Content-Length is refused
 * at once, and a chunked body is counted as it streams and reading stops at the limit (413),
 * so an oversized body never sits in memory whole.
 */
export function boundedBodies(): MiddlewareHandler {
  const forms = limit(FORM_MAX_BODY_BYTES, "The request is too large.");
  const video = limit(QUOTE_VIDEO_MAX_BODY_BYTES, "Keep the video under 16 MB.");
  const photo = limit(SITE_PHOTO_MAX_BODY_BYTES, "Keep the photo under 15 MB.");
  return (c, next) => {
    if (WEBHOOK_PATH.test(c.req.path)) return next();
    if (SITE_PHOTO_PATH.test(c.req.path)) return photo(c, next);
    return (QUOTE_VIDEO_PATH.test(c.req.path) ? video : forms)(c, next);
  };
}
