import { divideRounded, type Pence } from "../money.ts";
import type { Quote, QuoteLine } from "../quotes.ts";
import type { ChargeKind, Payment } from "./charges.ts";

/** The company's details as printed on quote pages and invoices. */
export interface CompanyDetails {
  name: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  vatNumber: string | null;
}

export interface VatLine {
  ratePercent: number;
  netPence: Pence;
  vatPence: Pence;
}

/** Everything an invoice prints, fixed when it is issued. */
export interface InvoiceContent {
  number: string;
  issuedAt: string;
  kind: ChargeKind;
  company: CompanyDetails;
  /**
   * Who the invoice is made out to: the organisation when the customer has one, for the
   * attention of the named person (`attention`; absent on invoices issued before it existed).
   */
  customer: { name: string; attention?: string | null; address: string | null; postcode: string | null };
  job: { title: string; address: string | null; postcode: string | null };
  quote: {
    id: string;
    version: number;
    lines: (QuoteLine & { netPence: Pence; discountPence: Pence; vatPence: Pence })[];
    subtotalPence: Pence;
    discountPence: Pence;
    netPence: Pence;
    vatPence: Pence;
    totalPence: Pence;
  };
  /** This invoice's amount, split by VAT rate. */
  vat: VatLine[];
  netPence: Pence;
  vatPence: Pence;
  totalPence: Pence;
  paid: { at: string; provider: string; reference: string | null };
  /** Invoices for this quote issued before this one. */
  earlier: { number: string; kind: ChargeKind; totalPence: Pence }[];
  /** What is left to pay on the quote after this invoice. */
  balanceDuePence: Pence;
}

/**
 * Who an invoice bills: a letting agent's or a business's invoice goes to the organisation,
 * "FAO" the person who dealt with us; anyone else by name. The customer's own address comes
 * first, else the job's site.
 * @example billTo({ name: "Priya Shah", organisation: "Shah Lettings", … }) // { name: "Shah Lettings", attention: "Priya Shah", … }
 */
export function billTo(
  customer: { name: string | null; organisation: string | null; address: string | null; postcode: string | null },
  site: { address: string | null; postcode: string | null },
): InvoiceContent["customer"] {
  const [address, postcode] =
    customer.address || customer.postcode ? [customer.address, customer.postcode] : [site.address, site.postcode];
  return {
    name: customer.organisation ?? customer.name ?? "Customer",
    attention: customer.organisation && customer.name ? customer.name : null,
    address,
    postcode,
  };
}

/** The "Bill to" block, a line each: "Shah Lettings", "FAO Priya Shah", the address, the postcode. */
export const billToLines = (customer: InvoiceContent["customer"]): string[] =>
  [customer.name, customer.attention ? `FAO ${customer.attention}` : null, customer.address, customer.postcode].filter(
    (line): line is string => Boolean(line),
  );

/** @example formatInvoiceNumber(42) // "INV-000042" */
export const formatInvoiceNumber = (n: number): string => `INV-${String(n).padStart(6, "0")}`;

/**
 * Splits `amountPence` of a quote's VAT-inclusive total across its VAT rates.
 * A full payment carries exactly the quote's VAT; a deposit takes each rate's share in
 * proportion to its gross (whole pennies, largest remainders first), and the VAT inside each
 * share is worked out from that rate's own VAT-to-gross ratio; a balance is what the quote's
 * rates hold less what earlier invoices took, so a deposit and its balance add up to the quote.
 */
export function vatForPayment(
  quote: Pick<Quote, "totals">,
  kind: ChargeKind,
  amountPence: Pence,
  earlier: readonly VatLine[][],
): VatLine[] {
  const groups = quote.totals.vatByRate.filter((g) => g.netPence + g.vatPence > 0);
  if (kind === "full") return groups.map((g) => ({ ...g }));
  if (kind === "balance") {
    return groups.map((g) => {
      const before = earlier.flat().filter((e) => e.ratePercent === g.ratePercent);
      return {
        ratePercent: g.ratePercent,
        netPence: g.netPence - before.reduce((s, e) => s + e.netPence, 0),
        vatPence: g.vatPence - before.reduce((s, e) => s + e.vatPence, 0),
      };
    });
  }
  const shares = shareByWeight(
    amountPence,
    groups.map((g) => g.netPence + g.vatPence),
  );
  return groups.map((g, i) => {
    const gross = g.netPence + g.vatPence;
    const vat = divideRounded(shares[i]! * g.vatPence, gross);
    return { ratePercent: g.ratePercent, netPence: shares[i]! - vat, vatPence: vat };
  });
}

/**
 * The invoice for a payment that has just been settled.
 * `earlier` are the quote's invoices issued before it.
 */
export function invoiceFor(input: {
  number: number;
  issuedAt: Date;
  company: CompanyDetails;
  quote: Pick<Quote, "id" | "version" | "lines" | "totals">;
  payment: Pick<Payment, "kind" | "amountPence" | "provider" | "paymentIntentId" | "checkoutSessionId">;
  customer: InvoiceContent["customer"];
  job: InvoiceContent["job"];
  earlier: readonly Pick<InvoiceContent, "number" | "kind" | "totalPence" | "vat">[];
}): InvoiceContent {
  const { quote, payment } = input;
  const vat = vatForPayment(
    quote,
    payment.kind,
    payment.amountPence,
    input.earlier.map((e) => e.vat),
  );
  const paidBefore = input.earlier.reduce((sum, e) => sum + e.totalPence, 0);
  return {
    number: formatInvoiceNumber(input.number),
    issuedAt: input.issuedAt.toISOString(),
    kind: payment.kind,
    company: input.company,
    customer: input.customer,
    job: input.job,
    quote: {
      id: quote.id,
      version: quote.version,
      lines: quote.lines.map((line, i) => ({ ...line, ...quote.totals.lines[i]! })),
      subtotalPence: quote.totals.subtotalPence,
      discountPence: quote.totals.discountPence,
      netPence: quote.totals.netPence,
      vatPence: quote.totals.vatPence,
      totalPence: quote.totals.totalPence,
    },
    vat,
    netPence: vat.reduce((s, v) => s + v.netPence, 0),
    vatPence: vat.reduce((s, v) => s + v.vatPence, 0),
    totalPence: payment.amountPence,
    paid: {
      at: input.issuedAt.toISOString(),
      provider: payment.provider,
      reference: payment.paymentIntentId ?? payment.checkoutSessionId,
    },
    earlier: input.earlier.map((e) => ({ number: e.number, kind: e.kind, totalPence: e.totalPence })),
    balanceDuePence: Math.max(0, quote.totals.totalPence - paidBefore - payment.amountPence),
  };
}

/** Whole-penny shares of `amount` in proportion to `weights`, summing exactly (largest remainders first). */
function shareByWeight(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total === 0) return weights.map(() => 0);
  const parts = weights.map((w, i) => {
    const scaled = BigInt(amount) * BigInt(w);
    return { i, w, share: Number(scaled / BigInt(total)), rest: scaled % BigInt(total) };
  });
  let left = amount - parts.reduce((s, p) => s + p.share, 0);
  for (const p of [...parts].sort((a, b) => (a.rest === b.rest ? b.w - a.w || a.i - b.i : a.rest > b.rest ? -1 : 1))) {
    if (left === 0) break;
    p.share += 1;
    left -= 1;
  }
  return parts.map((p) => p.share);
}
