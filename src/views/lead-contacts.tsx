import type { LeadContact } from "../ports/leads.ts";
import { phoneForDisplay } from "./format.ts";
import { formatDate } from "../domain/london-time.ts";

/** The people who call from a lead's number (letting agents' and offices' several callers). */
export function LeadContactsList(props: { contacts: LeadContact[] }) {
  return (
    <section id="lead-contacts">
      <h2>Contacts at this number</h2>
      {props.contacts.length === 0 ? (
        <p class="muted">Only the customer above.</p>
      ) : (
        <ul>
          {props.contacts.map((contact) => (
            <li>
              <strong>{contact.name}</strong>
              {contact.role ? <span class="muted"> · {contact.role}</span> : null}
              {contact.phone ? <span> · {phoneForDisplay(contact.phone)}</span> : null}
              <span class="muted"> · since {formatDate(contact.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
