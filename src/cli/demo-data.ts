import type { OptOutSource } from "../domain/assistant/call-policy.ts";
import type { Track } from "../domain/calls.ts";
import type { TradeCategory, Urgency } from "../domain/issues.ts";
import type { LeadSegment } from "../domain/leads.ts";
import type { MessageChannel } from "../domain/messaging/message.ts";
import type { Deposit, QuoteLine } from "../domain/quotes.ts";

/** A believable morning at a London maintenance firm. Numbers are Ofcom's drama range (07700 900xxx). */
export interface DemoCase {
  lead: { name: string; organisation?: string; phone: string; address: string; postcode: string; segment: LeadSegment };
  minutesAgo: number;
  call?: { status: "completed" | "no-answer" | "busy"; seconds: number; turns: [Track, string][]; summary: string };
  issue?: {
    title: string;
    category: TradeCategory;
    urgency: Urgency;
    accessNotes?: string;
    status?: "open" | "quoted" | "scheduled" | "in_progress" | "done";
  };
  /** Walked there through the app's own steps: sent, seen, accepted, the deposit and the rest paid. */
  quote?: {
    lines: QuoteLine[];
    deposit?: Deposit;
    status: "draft" | "sent" | "viewed" | "accepted" | "deposit_paid" | "paid";
  };
  /** A WhatsApp or SMS conversation, oldest first: the customer's words come in, ours are kept unsent. */
  messages?: { channel: MessageChannel; from: "customer" | "staff"; text: string }[];
  /** The number asked the assistant not to call again (on the consent register, shown on the lead). */
  optedOut?: OptOutSource;
}

const labour = (hours: number, rate = 6500): QuoteLine => ({
  kind: "labour",
  description: "Labour",
  quantity: hours,
  unitPricePence: rate,
  vatRatePercent: 20,
});
const callOut: QuoteLine = {
  kind: "call_out",
  description: "Call-out",
  quantity: 1,
  unitPricePence: 4500,
  vatRatePercent: 20,
};
const part = (description: string, pence: number, quantity = 1): QuoteLine => ({
  kind: "materials",
  description,
  quantity,
  unitPricePence: pence,
  vatRatePercent: 20,
});

export const DEMO_CASES: DemoCase[] = [
  {
    lead: {
      name: "Sarah Jones",
      phone: "+447700900123",
      address: "12 Baker Street, London",
      postcode: "NW1 6XE",
      segment: "tenant",
    },
    minutesAgo: 14,
    call: {
      status: "completed",
      seconds: 96,
      summary: "Boiler leaking onto kitchen floor, heating off, baby at home.",
      turns: [
        ["outbound", "Good morning, Handy Services, Tom speaking. How can I help?"],
        ["inbound", "Hi Tom, my name is Sarah Jones. I'm a tenant at 12 Baker Street, London, NW1 6XE."],
        ["outbound", "Thanks Sarah. What seems to be the problem?"],
        [
          "inbound",
          "My boiler is leaking water all over the kitchen floor and the heating has stopped. It's quite urgent, I have a baby at home.",
        ],
        ["outbound", "Understood. Turn the boiler off at the switch and we'll get an engineer to you this afternoon."],
        ["inbound", "Thank you. The side gate is unlocked if nobody answers the door."],
      ],
    },
    issue: {
      title: "Boiler leaking, no heating",
      category: "heating",
      urgency: "urgent",
      accessNotes: "Side gate unlocked",
      status: "scheduled",
    },
    quote: {
      lines: [callOut, labour(1.5), part("Pressure relief valve", 3800)],
      deposit: { kind: "percent", percent: 25 },
      status: "deposit_paid",
    },
    messages: [
      {
        channel: "whatsapp",
        from: "customer",
        text: "Hi, it's Sarah at 12 Baker Street. The boiler is still dripping, is the engineer coming today?",
      },
      {
        channel: "whatsapp",
        from: "staff",
        text: "Hi Sarah, yes: Mark will be with you between 2 and 4 this afternoon. Thanks for paying the deposit.",
      },
      { channel: "whatsapp", from: "customer", text: "Brilliant, thank you. The side gate is open." },
    ],
  },
  {
    lead: {
      name: "Priya Shah",
      organisation: "Shah Lettings",
      phone: "+447700900456",
      address: "Flat 3, 41 Cathedral Road, Cardiff",
      postcode: "CF11 9HB",
      segment: "letting_agent",
    },
    minutesAgo: 38,
    call: {
      status: "completed",
      seconds: 142,
      summary: "Burst pipe under the bathroom floor at a managed flat, water coming through the ceiling below.",
      turns: [
        ["outbound", "Handy Services, this is Amy."],
        [
          "inbound",
          "Hi Amy, it's Priya from Shah Lettings. We've got a burst pipe at one of our flats, water is coming through the ceiling below.",
        ],
        ["outbound", "Has the stopcock been turned off?"],
        [
          "inbound",
          "The tenant has done that, but it's an emergency, the downstairs neighbour has water near the light fitting.",
        ],
        ["outbound", "We'll send someone straight away. What's the address?"],
        ["inbound", "Flat 3, 41 Cathedral Road, Cardiff, CF11 9HB. Keys are with the concierge."],
      ],
    },
    issue: {
      title: "Burst pipe, water through ceiling",
      category: "plumbing",
      urgency: "emergency",
      accessNotes: "Keys with concierge",
      status: "in_progress",
    },
  },
  {
    lead: {
      name: "David Okafor",
      phone: "+447700900789",
      address: "8 Chapel Lane, Leeds",
      postcode: "LS6 3BW",
      segment: "landlord",
    },
    minutesAgo: 65,
    call: {
      status: "completed",
      seconds: 88,
      summary: "Bathroom extractor fan stopped working in a rented house; no rush.",
      turns: [
        ["outbound", "Good afternoon, Handy Services."],
        [
          "inbound",
          "Hello, this is David Okafor, I'm a landlord. The extractor fan in the bathroom at my rental has stopped working.",
        ],
        ["outbound", "Is it urgent?"],
        ["inbound", "No rush, sometime next week is fine. It's 8 Chapel Lane, Leeds, LS6 3BW."],
      ],
    },
    issue: { title: "Replace bathroom extractor fan", category: "electrical", urgency: "routine", status: "quoted" },
    quote: { lines: [labour(2), part("Extractor fan, 100mm, humidistat", 6400)], status: "sent" },
    messages: [
      { channel: "sms", from: "customer", text: "Got the quote for the fan, thanks. Could you do Tuesday morning?" },
      {
        channel: "sms",
        from: "staff",
        text: "Tuesday morning works. Accept the quote from the link and we'll book it in.",
      },
    ],
  },
  {
    lead: {
      name: "Margaret Ellis",
      phone: "+447700900234",
      address: "27 Orchard Road, Bristol",
      postcode: "BS7 8PL",
      segment: "homeowner",
    },
    minutesAgo: 130,
    call: {
      status: "completed",
      seconds: 75,
      summary: "Front door lock broken, cannot lock the house.",
      turns: [
        ["inbound", "Hello, my front door lock has snapped and I can't lock the house. I'm on my own here."],
        ["outbound", "We'll get a locksmith to you within two hours. Can I take your name and address?"],
        ["inbound", "Margaret Ellis, 27 Orchard Road, Bristol, BS7 8PL."],
      ],
    },
    issue: { title: "Front door lock broken", category: "locksmith", urgency: "urgent", status: "open" },
  },
  {
    lead: {
      name: "Tom Reid",
      organisation: "Greenway Dental Practice",
      phone: "+447700900345",
      address: "5 High Street, Guildford",
      postcode: "GU1 3AJ",
      segment: "commercial",
    },
    minutesAgo: 60 * 26,
    issue: { title: "Repaint waiting room", category: "decorating", urgency: "routine", status: "done" },
    quote: { lines: [labour(14, 5500), part("Paint and sundries", 18500)], status: "paid" },
    optedOut: "said_stop",
  },
  {
    lead: { name: "Unknown caller", phone: "+447700900567", address: "", postcode: "", segment: "unknown" },
    minutesAgo: 5,
    call: { status: "no-answer", seconds: 0, summary: "Missed call.", turns: [] },
  },
  {
    lead: {
      name: "Aisha Khan",
      phone: "+447700900678",
      address: "19 Kingsway, Manchester",
      postcode: "M19 2LL",
      segment: "tenant",
    },
    minutesAgo: 60 * 50,
    issue: { title: "Cracked bedroom window pane", category: "glazing", urgency: "routine", status: "open" },
  },
  {
    lead: {
      name: "Gareth Price",
      phone: "+447700900890",
      address: "3 Mill Close, Swansea",
      postcode: "SA1 1NW",
      segment: "homeowner",
    },
    minutesAgo: 60 * 75,
    issue: { title: "Blocked outside drain", category: "drainage", urgency: "urgent", status: "open" },
    quote: { lines: [callOut, labour(1)], status: "draft" },
  },
];
