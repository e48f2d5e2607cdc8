import type { Metrics, Vendor } from "../../ports/metrics.ts";

/**
 * The same adapter, with every failed call to its vendor counted (`vendor_errors_total`): each
 * method that throws, or whose promise rejects, counts once and fails as before; an adapter that
 * is a plain function is counted the same way. Other properties (a name, a `live` flag) pass
 * through untouched.
 * @example const sms = countVendorErrors(createTwilioSmsSender(keys), "twilio", metrics)
 */
export function countVendorErrors<T extends object>(
  adapter: T,
  vendor: Vendor,
  metrics: Pick<Metrics, "vendorError">,
): T {
  const counted = (error: unknown): never => {
    metrics.vendorError(vendor);
    throw error;
  };
  const call = (fn: (...args: unknown[]) => unknown, self: unknown, args: unknown[]) => {
    try {
      const result = fn.apply(self, args);
      return result instanceof Promise ? result.catch(counted) : result;
    } catch (error) {
      return counted(error);
    }
  };
  return new Proxy(adapter, {
    apply: (target, self, args: unknown[]) => call(target as (...args: unknown[]) => unknown, self, args),
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => call(value as (...args: unknown[]) => unknown, target, args);
    },
  });
}
