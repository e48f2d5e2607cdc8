import { Hono } from "hono";
import { z } from "zod";
import { IntegrationsPage } from "../../views/integrations.tsx";
import type { AppEnv } from "../deps.ts";
import { audit, changedFields } from "../audit.ts";
import { pageContext } from "../page-context.ts";
import { CODE_MAX, formList, formText, TEXT_MAX, validForm } from "../validation.ts";
import {
  companySafetyRules,
  SAFETY_RULES_KEY,
  safetyRuleRow,
  safetyRulesFromRows,
} from "../../domain/extraction/safety-rules.ts";
import type { SafetyRule } from "../../domain/extraction/safety.ts";
import { reasonStatus } from "../errors.ts";
import {
  emptySafetyRow,
  SafetyRuleFields,
  SafetySettingsPage,
  type SafetyFormRow,
} from "../../views/safety-settings.tsx";
import { requireRole } from "../middleware/require-role.ts";
import { HTTPException } from "hono/http-exception";

/** The safety list's form: one value per rule for each field (see SafetyRuleFields), bounded above parseSafetyRules' limits. */
const RULES_MAX = 100;
const safetyForm = z.object({
  row: formList(CODE_MAX, RULES_MAX + 1),
  id: formList(CODE_MAX, RULES_MAX + 1),
  danger: formList(TEXT_MAX, RULES_MAX + 1),
  triggers: formList(TEXT_MAX, RULES_MAX + 1),
  alsoSaid: formList(TEXT_MAX, RULES_MAX + 1),
  nearWords: formList(CODE_MAX, RULES_MAX + 1),
  advice: formList(TEXT_MAX, RULES_MAX + 1),
  remove: formList(CODE_MAX, RULES_MAX + 1),
});
type SafetyForm = z.infer<typeof safetyForm>;

/** "Check again" on the integrations page: which vendor's key to try now. */
const checkAgainForm = z.object({ vendor: formText(CODE_MAX).pipe(z.string().min(1, "choose a vendor")) });

/** The form's rows as typed, in order; a row whose "Remove" box is ticked is left out. */
function rowsOf(form: SafetyForm): SafetyFormRow[] {
  return form.row
    .map((key, i) => ({
      key,
      id: form.id[i] ?? "",
      danger: form.danger[i] ?? "",
      triggers: form.triggers[i] ?? "",
      alsoSaid: form.alsoSaid[i] ?? "",
      nearWords: form.nearWords[i] ?? "",
      advice: form.advice[i] ?? "",
    }))
    .filter((row) => !form.remove.includes(row.key));
}

const savedRows = (rules: readonly SafetyRule[]): SafetyFormRow[] => [
  ...rules.map((rule, i) => ({ key: `r${i}`, ...safetyRuleRow(rule) })),
  emptySafetyRow(`r${rules.length}`),
];

export function settingsRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/settings/integrations", async (c) => {
    const integrations = await c.get("deps").integrations();
    return c.html(<IntegrationsPage ctx={pageContext(c)} integrations={integrations} />);
  });
  /** Tries a vendor's key again now (admins; audited), then shows the page with what it found. */
  app.post("/settings/integrations/check", requireRole("admin"), validForm(checkAgainForm), async (c) => {
    const { vendorChecks } = c.get("deps");
    const { vendor } = c.req.valid("form");
    if (!vendorChecks.vendors().includes(vendor))
      throw new HTTPException(400, { message: `No key check for "${vendor}": it is not configured.` });
    const [result] = await vendorChecks.checkNow(vendor);
    await audit(c, "settings", "integrations", `checked the ${vendor} key again`, {
      vendor,
      outcome: result?.outcome.state,
    });
    return c.redirect("/settings/integrations", 303);
  });
  app.get("/settings/safety", async (c) => {
    const rules = await companySafetyRules(c.get("deps").repos.settings);
    return c.html(
      <SafetySettingsPage
        ctx={pageContext(c)}
        rules={rules}
        rows={savedRows(rules)}
        saved={c.req.query("saved") === "1"}
      />,
    );
  });

  /** An empty row for one more rule (the form's "Add another rule"). */
  app.get("/settings/safety/new-rule", requireRole("admin"), (c) =>
    c.html(<SafetyRuleFields row={emptySafetyRow(`n${c.get("deps").randomId().slice(0, 12)}`)} />),
  );

  const refused = validForm(safetyForm, async (c, bad) => {
    const rules = await companySafetyRules(c.get("deps").repos.settings);
    const [field, message] = Object.entries(bad.errors)[0] ?? ["form", "The form could not be read."];
    return c.html(
      <SafetySettingsPage ctx={pageContext(c)} rules={rules} rows={savedRows(rules)} error={`${field}: ${message}`} />,
      422,
    );
  });
  app.post("/settings/safety", requireRole("admin"), refused, async (c) => {
    const { repos } = c.get("deps");
    const rows = rowsOf(c.req.valid("form"));
    const parsed = safetyRulesFromRows(rows);
    if (!parsed.ok) {
      const rules = await companySafetyRules(repos.settings);
      return c.html(
        <SafetySettingsPage ctx={pageContext(c)} rules={rules} rows={rows} error={parsed.message} />,
        reasonStatus(parsed.reason),
      );
    }
    const user = c.get("user");
    await repos.settings.set(SAFETY_RULES_KEY, parsed.value, user?.email ?? null);
    await audit(c, "settings", SAFETY_RULES_KEY, "saved the safety advice list", { rules: parsed.value.length });
    return c.redirect("/settings/safety?saved=1", 303);
  });

  return app;
}
