import { formatPence } from "../domain/money.ts";
import type { CompanyDetails } from "../domain/payments/invoice.ts";
import type { CheckoutRequest, CheckoutSession } from "../ports/payments.ts";
import { PublicLayout } from "./quote-public.tsx";

/**
 * The embedded test checkout (no Stripe keys): says plainly that it is a test and that no card
 * is charged, lists what would be paid, and completes the session when the button is pressed.
 */
export function TestCheckoutPage(props: {
  company: CompanyDetails;
  session: CheckoutSession & { request: CheckoutRequest };
  expired: boolean;
  error?: string;
}) {
  const { session } = props;
  return (
    <PublicLayout title="Test payment" company={props.company}>
      <p class="test-label" role="note">
        Test payment, no card is charged. Stripe is not connected, so this page stands in for Stripe Checkout.
      </p>
      {props.error ? (
        <div class="banner warn" role="alert">
          {props.error}
        </div>
      ) : null}
      <section class="card">
        <h1>Pay {formatPence(session.amountTotalPence)}</h1>
        <table>
          <tbody>
            {session.request.items.map((item) => (
              <tr>
                <td>
                  {item.name}
                  {item.description ? <div class="muted">{item.description}</div> : null}
                </td>
                <td class="money">{formatPence(item.amountPence)}</td>
              </tr>
            ))}
            <tr class="grand">
              <td>Total ({session.currency.toUpperCase()})</td>
              <td class="money">{formatPence(session.amountTotalPence)}</td>
            </tr>
          </tbody>
        </table>
      </section>
      {session.status === "complete" ? (
        <section class="card">
          <p>This test payment is complete.</p>
          <a class="button" href={session.request.successUrl.replace("{CHECKOUT_SESSION_ID}", session.id)}>
            Continue
          </a>
        </section>
      ) : props.expired ? (
        <section class="card">
          <p>This checkout has expired.</p>
          <a class="button secondary" href={session.request.cancelUrl}>
            Back to the quote
          </a>
        </section>
      ) : (
        <section class="card actions">
          <form method="post" action={`/checkout/test/${session.id}/pay`}>
            <button type="submit">Pay {formatPence(session.amountTotalPence)} (test, no card charged)</button>
          </form>
          <a class="button secondary" href={session.request.cancelUrl}>
            Cancel
          </a>
        </section>
      )}
    </PublicLayout>
  );
}
