import { formatDateTime } from "../domain/london-time.ts";
import type { BoardLink } from "../ports/board.ts";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

/**
 * Settings → Wall board: read-only links for office screens with no staff login. A new link's
 * address is shown once, when made (only its token's hash is kept); revoking one blanks every
 * board open with it at once.
 */
export function BoardLinksPage(props: {
  ctx: PageContext;
  links: BoardLink[];
  /** The address just made, shown this once. */
  created?: { label: string; url: string };
  error?: string;
  typedLabel?: string;
}) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Wall board links">
      <h1>Wall board links</h1>
      <p>
        The <a href="/board">wall board</a> shows calls live now, missed calls to return, open emergencies, engineers
        out and today's money. A link below opens it on a screen with no login, and nothing else.
      </p>
      {props.created ? (
        <div class="notice" role="status" id="new-board-link">
          <p>
            <strong>Link for {props.created.label}.</strong> Copy it now: it is not shown again. Add{" "}
            <code>?theme=light</code> for a light background.
          </p>
          <input readonly value={props.created.url} aria-label="The new board link" style="width: 100%" />
        </div>
      ) : null}
      <form class="stack" method="post" action="/settings/board/links">
        <CsrfField token={ctx.csrfToken} />
        <label>
          Which screen is it for?
          <input name="label" required maxlength={80} placeholder="Office TV" value={props.typedLabel ?? ""} />
        </label>
        {props.error ? (
          <p class="form-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <div>
          <button type="submit">Make a link</button>
        </div>
      </form>
      <h2>Links</h2>
      {props.links.length === 0 ? (
        <p>No links yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Screen</th>
              <th>Made</th>
              <th>State</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.links.map((link) => (
              <tr>
                <td>{link.label}</td>
                <td>
                  {formatDateTime(link.createdAt)} by {link.createdBy}
                </td>
                <td>
                  {link.revokedAt
                    ? `Revoked ${formatDateTime(link.revokedAt)} by ${link.revokedBy ?? "unknown"}`
                    : "Works"}
                </td>
                <td>
                  {link.revokedAt ? null : (
                    <form method="post" action={`/settings/board/links/${link.id}/revoke`}>
                      <CsrfField token={ctx.csrfToken} />
                      <button type="submit" class="secondary">
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
