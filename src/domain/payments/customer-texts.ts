import { formatPence, type Pence } from "../money.ts";

/** The first name to greet someone by, or nothing. */
const greeting = (name: string | null) => (name?.trim() ? `Hi ${name.trim().split(/\s+/)[0]}, ` : "Hello, ");

/**
 * The text that carries a quote's link to the customer (SMS or WhatsApp).
 * @example quoteLinkText({ companyName: "Handy Services", customerName: "Sarah Jones", jobTitle: "Boiler leak", totalPence: 24000, version: 1, url: "https://…/q/abc" })
 */
export function quoteLinkText(input: {
  companyName: string;
  customerName: string | null;
  jobTitle: string;
  totalPence: Pence;
  version: number;
  url: string;
}): string {
  const revised = input.version > 1 ? "your updated quote" : "your quote";
  return `${greeting(input.customerName)}${revised} from ${input.companyName} for "${input.jobTitle}" is ${formatPence(input.totalPence)} including VAT. View, accept and pay here: ${input.url}`;
}

/** The receipt sent once a payment is settled and its invoice issued. */
export function receiptText(input: {
  companyName: string;
  customerName: string | null;
  amountPence: Pence;
  invoiceNumber: string;
  balanceDuePence: Pence;
  url: string;
}): string {
  const rest = input.balanceDuePence > 0 ? ` ${formatPence(input.balanceDuePence)} remains to pay.` : "";
  return `${greeting(input.customerName)}thank you: ${input.companyName} has received ${formatPence(input.amountPence)}. Invoice ${input.invoiceNumber} is ready to download at ${input.url}.${rest}`;
}

/** Asks for what is left after a deposit. */
export function balanceRequestText(input: {
  companyName: string;
  customerName: string | null;
  balancePence: Pence;
  url: string;
}): string {
  return `${greeting(input.customerName)}the remaining balance of ${formatPence(input.balancePence)} for your job with ${input.companyName} is ready to pay here: ${input.url}`;
}
