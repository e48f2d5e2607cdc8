/**
 * Media attached to an inbound MMS, fetched from Twilio's media URL with the account's
 * credentials. Reads at most `maxBytes` (MediaTooLargeError beyond). Failures throw.
 */
export type SmsMediaFetcher = (url: string, maxBytes: number) => Promise<{ bytes: Uint8Array; contentType: string }>;
