import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { VendorCheck, VendorCheckOutcome } from "../../ports/vendor-check.ts";
import { checkFailure, httpStatusOf } from "../vendor-check-outcome.ts";

/**
 * S3's key check: HeadBucket on the configured bucket, signed with the configured keys. 403 is a
 * key the bucket refuses (an unknown key id, a wrong secret, or a key without s3:ListBucket); 404 is a
 * bucket that does not exist (AWS_S3_BUCKET). One attempt: the SDK's own retries are off, so a
 * check says what happened now.
 *
 * @example const check = createS3BucketCheck({ bucket, region, accessKeyId, secretAccessKey });
 */
export function createS3BucketCheck(config: {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint?: string;
}): VendorCheck {
  const s3 = new S3Client({
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: Boolean(config.endpoint),
    maxAttempts: 1,
  });
  return {
    vendor: "S3",
    async check(signal): Promise<VendorCheckOutcome> {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: config.bucket }), { abortSignal: signal });
        return { state: "working" };
      } catch (error) {
        // HeadBucket answers without a body, so the SDK's message is only the status's name.
        if (httpStatusOf(error) === 404)
          return { state: "refused", variable: "AWS_S3_BUCKET", reason: `no bucket named "${config.bucket}"` };
        return checkFailure(error, "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", signal);
      }
    },
  };
}
