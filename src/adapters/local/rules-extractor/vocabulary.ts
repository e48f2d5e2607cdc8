import type { TradeCategory, Urgency } from "../../../domain/issues.ts";
import type { LeadSegment } from "../../../domain/leads.ts";

/**
 * The words that point to a trade, an urgency or a kind of caller, with how strongly.
 * Phrases are matched as words; `*` ends a stem ("leak*"). Weights add up per call.
 */
export type Cues = readonly (readonly [phrase: string, weight: number])[];

export const CATEGORY_CUES: Record<Exclude<TradeCategory, never>, Cues> = {
  plumbing: [
    ["plumber", 3], ["plumbing", 3], ["leak", 2], ["leaks", 2], ["leaking", 2], ["leaked", 1], ["burst", 2], ["pipe", 2], ["pipes", 2],
    ["tap", 2], ["taps", 2], ["drip*", 1], ["toilet", 1], ["loo", 1], ["cistern", 2], ["flush*", 1], ["sink", 1.5], ["basin", 1],
    ["shower", 1], ["bath", 1], ["stopcock", 2], ["stop cock", 2], ["water pressure", 2], ["washer", 1], ["ballcock", 2],
    ["overflow pipe", 2], ["water tank", 2], ["cold water", 1], ["washing machine", 1], ["dishwasher", 1], ["spraying", 1],
    ["shower tray", 2], ["mixer", 1], ["valve", 1], ["water meter", 1],
  ],
  heating: [
    ["boiler", 3], ["boilers", 3], ["heating", 2.5], ["radiator", 3], ["radiators", 3], ["rad", 2], ["rads", 2], ["thermostat", 2],
    ["hot water", 1.5], ["pilot light", 2], ["combi", 2], ["gas", 1.5], ["heating engineer", 2], ["gas engineer", 2],
    ["gas safe", 2], ["pressure", 1], ["error code", 1], ["underfloor", 1], ["cylinder", 1], ["immersion", 1], ["no heat", 2],
    ["flue", 2], ["storage heater*", 1],
  ],
  electrical: [
    ["electrician", 3], ["electrical", 2], ["electric", 2], ["electrics", 2], ["socket", 2], ["sockets", 2], ["plug", 1], ["fuse*", 2],
    ["fuse box", 2], ["consumer unit", 3], ["trip*", 2], ["rcd", 3], ["light", 1], ["lights", 1.5], ["light fitting", 2],
    ["lighting", 2], ["bulb*", 1], ["wiring", 2], ["wires", 2], ["wire", 1], ["spark*", 2], ["extractor", 2], ["extractor fan", 3],
    ["no power", 2], ["power cut", 2], ["switch", 1], ["switches", 1], ["flicker*", 2], ["led", 1.5], ["cooker hood", 2],
    ["extractor hood", 2], ["cooker", 1], ["oven", 1], ["doorbell", 1], ["smoke alarm", 2], ["smoke alarms", 2], ["downlight*", 2],
    ["electric shower", 3], ["immersion heater", 1],
  ],
  roofing: [
    ["roof", 3], ["roofer", 3], ["roofing", 3], ["tile", 1], ["tiles", 1.5], ["slate", 2], ["slates", 2], ["gutter*", 3],
    ["chimney", 2], ["flashing", 2], ["ridge", 1], ["felt", 1], ["flat roof", 3], ["fascia*", 2], ["soffit*", 2], ["downpipe", 2],
    ["loft", 1], ["skylight", 1], ["velux", 1], ["lead work", 2], ["leadwork", 2],
  ],
  carpentry: [
    ["carpenter", 3], ["joiner", 3], ["carpentry", 3], ["joinery", 3], ["door", 1], ["doors", 1], ["hinge*", 2], ["cupboard*", 2],
    ["drawer*", 2], ["skirting", 2], ["floorboard*", 2], ["shelf", 1], ["wardrobe", 1], ["decking", 2], ["fence", 3], ["fencing", 3],
    ["fence panel*", 3], ["gate", 1], ["stairs", 1], ["staircase", 2], ["banister*", 3], ["handrail", 2], ["worktop*", 2],
    ["architrave", 2], ["kitchen unit*", 2], ["swollen", 2], ["sticking", 1], ["plane", 1], ["frame", 1], ["stair", 1], ["timber", 1],
  ],
  locksmith: [
    ["locksmith", 3], ["locked out", 3], ["locked myself out", 3], ["lock", 1.5], ["locks", 1.5], ["lock*", 0.5], ["keys", 1.5],
    ["key", 1], ["lost keys", 2], ["lost my keys", 2], ["lost their keys", 2], ["lost all their keys", 2], ["snapped key", 3],
    ["key snapped", 3], ["deadlock", 2], ["barrel", 1], ["cylinder lock", 3], ["yale", 2], ["burgled", 2], ["broken into", 2],
    ["break in", 2], ["burglary", 2], ["secure", 1], ["locks changed", 3], ["change the locks", 3],
  ],
  decorating: [
    ["decorator", 3], ["decorating", 3], ["decorate", 3], ["redecorat*", 3], ["paint", 2], ["painting", 3], ["painted", 2],
    ["repaint*", 3], ["wallpaper*", 3], ["magnolia", 2], ["emulsion", 2], ["gloss", 2], ["stain", 1], ["scuff*", 1],
    ["touch up", 2], ["plaster*", 1], ["walls", 1], ["woodwork", 1], ["coat of paint", 2],
  ],
  glazing: [
    ["glazier", 3], ["glazing", 3], ["glazed", 3], ["window", 2], ["windows", 2], ["glass", 2], ["pane", 2], ["panes", 2],
    ["double glazing", 3], ["sealed unit*", 3], ["misted", 2], ["misting", 2], ["condensation between", 2], ["shopfront", 2],
    ["shop window", 3], ["cracked", 0.5], ["smashed", 0.5], ["window frame", 1], ["board it up", 1], ["board up", 1],
  ],
  drainage: [
    ["drain", 3], ["drains", 3], ["drainage", 3], ["blocked", 2], ["blockage", 2], ["unblock*", 2], ["sewer", 3], ["sewage", 3],
    ["manhole", 3], ["gully", 3], ["backed up", 2], ["backing up", 2], ["soakaway", 3], ["waste pipe", 1], ["drain cover", 2],
    ["overflowing", 1], ["rodding", 2], ["jetting", 2], ["smells awful", 1], ["stinks", 1],
  ],
  general: [
    ["handyman", 3], ["odd jobs", 3], ["odd job", 3], ["bits and bobs", 3], ["flat pack", 2], ["flatpack", 2], ["assemble*", 1],
    ["curtain pole*", 2], ["curtain rail*", 2], ["pictures", 1], ["picture", 1], ["mould", 2], ["mold", 2], ["damp", 1],
    ["clearance", 2], ["blinds", 1], ["tv bracket", 2], ["mirror", 1], ["various", 1], ["general maintenance", 3],
  ],
};

/** Urgency: explicit words weigh most; dangers and damage in progress point to an emergency. */
export const URGENCY_CUES: Record<Urgency, Cues> = {
  emergency: [
    ["emergency", 4], ["burst", 2], ["pouring", 2], ["gushing", 2], ["spraying", 2], ["flood*", 2], ["water everywhere", 1],
    ["right now", 2], ["come now", 2], ["someone now", 2], ["now if you can", 2], ["now please", 2], ["right away", 2], ["straight away", 1], ["immediately", 2], ["collapsed", 2], ["come down", 2],
    ["caved in", 2], ["can't lock", 2], ["can't secure", 2], ["burgled", 2], ["broken into", 2], ["smashed", 1], ["still running", 1],
    ["still dripping", 1], ["coming through", 1], ["ripped", 1], ["dangerous", 2], ["danger", 2], ["sewage", 1], ["tonight", 1],
    ["can't open", 1], ["within the hour", 1], ["as quick as", 1],
  ],
  urgent: [
    ["urgent", 4], ["urgently", 4], ["as soon as possible", 2], ["asap", 2], ["as soon as you can", 2], ["soon as you can", 2],
    ["as quick as", 2], ["quick as you can", 1], ["today", 2], ["tonight", 2], ["this afternoon", 2], ["this morning", 2],
    ["tomorrow", 2], ["next day", 2], ["quick", 1], ["quickly", 1], ["priority", 1], ["no heating", 2], ["no hot water", 2],
    ["freezing", 1], ["locked out", 2], ["locked myself out", 2], ["can't get in", 2], ["can't get into", 2], ["no power", 2], ["worried", 1], ["can't use", 1],
    ["leak*", 1], ["hurry", 1], ["sorted quick", 1], ["before it rains", 1], ["this week", 0.5], ["get worse", 0.5],
  ],
  routine: [
    ["no rush", 4], ["no hurry", 4], ["no urgency", 4], ["not urgent", 4], ["nothing urgent", 4], ["whenever", 3], ["next week", 3],
    ["next month", 3], ["weeks", 2], ["couple of weeks", 2], ["convenient", 2], ["when you can", 1], ["when you've got", 2],
    ["anytime", 2], ["any time", 2], ["any day", 2], ["at some point", 2], ["sometime", 1], ["no bother", 2], ["quote", 1.5],
    ["estimate", 1], ["when suits", 2], ["whenever suits", 3], ["no real rush", 4], ["in no rush", 4], ["not in a hurry", 4],
    ["isn't urgent", 4], ["not an emergency", 3], ["not really urgent", 4], ["this week", 1], ["slot", 1], ["annoying", 1],
  ],
};

/**
 * Who is calling about the property. "my landlord" means a tenant; "my tenant" a landlord;
 * "we manage" an agent; "our practice" a business.
 */
export const SEGMENT_CUES: Record<Exclude<LeadSegment, "unknown">, Cues> = {
  tenant: [
    ["i'm a tenant", 4], ["i am a tenant", 4], ["i'm the tenant", 4], ["she's a tenant", 3], ["he's a tenant", 3], ["tenant with", 2],
    ["i rent", 3], ["we rent", 3], ["she rents", 3], ["he rents", 3], ["they rent", 3], ["i'm renting", 3], ["we're renting", 3],
    ["renting", 2], ["rented", 1], ["my landlord", 3], ["our landlord", 3], ["her landlord", 3], ["his landlord", 3],
    ["private landlord", 2], ["my letting agent", 3], ["our letting agent", 3], ["the letting agent said", 2], ["housing association", 2],
    ["council flat", 2], ["council house", 2], ["my tenancy", 3], ["our tenancy", 3], ["deposit", 1], ["the landlord's", 1],
  ],
  landlord: [
    ["i'm a landlord", 4], ["i am a landlord", 4], ["i'm the landlord", 3], ["as a landlord", 3], ["my tenant", 3], ["my tenants", 3],
    ["our tenant", 2], ["our tenants", 2], ["the tenant", 1], ["the tenants", 1], ["tenant's", 0.5], ["rental property", 3],
    ["rental properties", 3], ["rental flat*", 3], ["rental", 1], ["buy to let", 4], ["let out", 3], ["rent out", 3], ["rent it out", 3], ["i rent out", 4], ["renting out", 3], ["i let", 2], ["portfolio", 2],
    ["i own a few", 2], ["i own a couple", 2], ["landlord of", 2], ["next tenants", 2], ["new tenants", 2],
  ],
  homeowner: [
    ["my house", 2], ["our house", 2], ["my home", 1.5], ["our home", 1.5], ["my own", 3], ["our own", 3], ["own house", 3],
    ["own home", 3], ["i own it", 3], ["we own", 3], ["i own the", 2], ["i own", 1], ["own a house", 3], ["own the house", 3], ["own a flat", 2], ["own the flat", 2], ["i'm the owner", 3], ["homeowner", 4],
    ["home owner", 4], ["owned it", 3], ["bought it", 3], ["we bought", 3], ["i bought", 3], ["mortgage", 2], ["he owns", 3],
    ["she owns", 3], ["my flat", 1], ["my new house", 2], ["lived here", 2], ["living here", 1], ["my father's house", 2],
    ["my mother's house", 2], ["my mum's house", 2], ["my dad's house", 2], ["freehold", 2], ["leasehold", 2],
  ],
  letting_agent: [
    ["letting agent", 4], ["letting agents", 4], ["lettings", 3], ["we manage", 4], ["managed properties", 4], ["managed property", 4],
    ["property management", 4], ["property manager", 4], ["managing agent*", 4], ["block management", 4], ["on behalf of the landlord", 4],
    ["on behalf of one of our landlords", 4], ["on behalf of our landlord", 4], ["our landlords", 3],
    ["estate agent*", 3], ["estates", 2], ["one of our flats", 3], ["one of our properties", 3], ["our managed", 4], ["agency", 1],
    ["the landlord wants", 2], ["the landlord's asked", 2], ["landlord client", 3],
  ],
  commercial: [
    ["our practice", 4], ["practice manager", 4], ["our office", 3], ["the office", 1], ["our offices", 3], ["facilities manager", 4],
    ["facilities", 2], ["our shop", 3], ["the shop", 2], ["shop", 1.5], ["our restaurant", 4], ["restaurant", 3], ["cafe", 3],
    ["café", 3], ["pub", 3], ["bar", 1], ["our school", 4], ["school", 3], ["business manager", 4], ["our business", 3],
    ["business", 1], ["premises", 2], ["patients", 2], ["customers", 2], ["our staff", 2], ["reception", 1], ["we open", 2],
    ["salon", 3], ["surgery", 2], ["clinic", 3], ["warehouse", 3], ["our unit", 3], ["environmental health", 3], ["hotel", 3],
    ["church", 2], ["nursery", 2], ["care home", 3], ["company", 1], ["our building", 2], ["playground", 1], ["the bar", 2],
    ["we can't open", 2], ["kitchen staff", 2], ["store", 1],
  ],
};

/** Words that end a street's name ("Baker Street", "Park Lane"); "…way" names count too. */
export const STREET_WORDS =
  "Street|St|Road|Rd|Lane|Avenue|Ave|Close|Drive|Way|Crescent|Court|Place|Gardens|Terrace|Grove|Hill|Park|Square|Mews|Row|" +
  "Walk|Rise|View|Green|Parade|Gate|Yard|Wharf|Embankment|Broadway|Boulevard|Vale|Villas|Mount|Heights|Circus|Quay|" +
  "Approach|Bank|Chase|Croft|Meadow|Meadows|Fields|Wynd|Brae|Loan|Path|Market|Hall|Side|Glen|Dale|Wood|End|Common|Cottages";

/** What callers say about getting in: keys, codes, who is home when, where to go. */
export const ACCESS_CUES: readonly string[] = [
  "key safe", "keysafe", "key box", "the code", "code is", "keys can", "collect the keys", "pick up the keys", "keys from",
  "let you in", "will be in", "someone will be", "i'm in", "i'm home", "i'm always in", "we're always in", "home all day",
  "in most days", "in all day", "home most", "working from home", "work from home", "ring the bell", "knock", "buzzer",
  "intercom", "concierge", "side gate", "back door", "round the back", "come to the back", "cellar door", "reception",
  "ask for me", "call me when", "ring me when", "call the tenant", "give the tenant a ring", "tenant's name", "arrange access",
  "to arrange", "parking", "park on", "park in", "dog", "mornings are best", "afternoons", "after three", "after four",
  "before nine", "she's in", "he's in", "tenant's there", "she'll let you", "he'll let you", "slow to the door", "give him a minute",
  "give her a minute", "report to", "school office", "not thursday", "not monday", "not tuesday", "not wednesday", "not friday",
  "she's home", "he's home", "i'll be in", "we're in", "the tenants work", "open eight", "we're open", "come round",
];
