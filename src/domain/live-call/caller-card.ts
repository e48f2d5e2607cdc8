import type { Call } from "../calls.ts";
import type { Lead } from "../leads.ts";

/**
 * What the call page's caller card shows, as the "caller" live event carries it: plain JSON
 * (times as ISO strings), so a LISTEN/NOTIFY adapter can carry it between instances.
 */
export interface CallerCardData {
  call: { from: string; startedAt: string; transcriber: string | null; summary: string | null };
  lead: Pick<Lead, "id" | "name" | "organisation" | "phone" | "address" | "postcode" | "segment"> | null;
}

export const callerCardData = (call: Call, lead: Lead | null): CallerCardData => ({
  call: {
    from: call.from,
    startedAt: call.startedAt.toISOString(),
    transcriber: call.transcriber,
    summary: call.summary,
  },
  lead: lead && {
    id: lead.id,
    name: lead.name,
    organisation: lead.organisation,
    phone: lead.phone,
    address: lead.address,
    postcode: lead.postcode,
    segment: lead.segment,
  },
});
