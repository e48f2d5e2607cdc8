// The htmx attributes our views use, typed once (hono/jsx otherwise accepts any attribute).
import "hono/jsx";

type HxSwap =
  | "innerHTML"
  | "outerHTML"
  | "beforebegin"
  | "afterbegin"
  | "beforeend"
  | "afterend"
  | "delete"
  | "none"
  | (string & {});

declare module "hono/jsx" {
  namespace JSX {
    interface HTMLAttributes {
      "hx-get"?: string;
      "hx-post"?: string;
      "hx-put"?: string;
      "hx-delete"?: string;
      "hx-target"?: string;
      "hx-swap"?: HxSwap;
      "hx-trigger"?: string;
      "hx-push-url"?: "true" | "false" | (string & {});
      "hx-select"?: string;
      "hx-headers"?: string;
      "hx-include"?: string;
      "hx-indicator"?: string;
      "hx-confirm"?: string;
      "hx-boost"?: "true" | "false";
      "hx-ext"?: string;
      "hx-vals"?: string;
      "sse-connect"?: string;
      "sse-swap"?: string;
    }
  }
}
