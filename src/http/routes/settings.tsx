import { Hono } from "hono";
import { z } from "zod";
import { IntegrationsPage } from "../../views/integrations.tsx";
import type { AppEnv } from "../deps.ts";
import { audit, changedFields } from "../audit.ts";
import { pageContext } from "../page-context.ts";
import { formRaw, validForm } from "../validation.ts";
import { companySafetyRules, parseSafetyRules, SAFETY_RULES_KEY } from "../../domain/extraction/safety-rules.ts";
import { reasonStatus } from "../errors.ts";
import { SafetySettingsPage } from "../../views/safety-settings.tsx";
import { requireRole } from "../middleware/require-role.ts";

/**
 * The safety list as pasted JSON, kept as typed so the page can show it again. Bounded above the
 * largest list parseSafetyRules accepts (100 rules, 1,000-character advice each).
 */
const safetyForm = z.object({ rules: formRaw(250_000) });

export function settingsRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/settings/integrations", async (c) => {
    const integrations = await c.get("deps").integrations();
    return c.html(<IntegrationsPage ctx={pageContext(c)} integrations={integrations} />);
  });
  app.get("/settings/safety", async (c) => {
    const rules = await companySafetyRules(c.get("deps").repos.settings);
    return c.html(
      <SafetySettingsPage
        ctx={pageContext(c)}
        rules={rules}
        json={JSON.stringify(rules, null, 2)}
        saved={c.req.query("saved") === "1"}
      />,
    );
  });

  const refused = validForm(safetyForm, async (c, bad) => {
    const rules = await companySafetyRules(c.get("deps").repos.settings);
    return c.html(
      <SafetySettingsPage
        ctx={pageContext(c)}
        rules={rules}
        json=""
        error={`The list is too long to read. ${bad.errors.rules ?? ""}`.trim()}
      />,
      422,
    );
  });
  app.post("/settings/safety", requireRole("admin"), refused, async (c) => {
    const { repos } = c.get("deps");
    const json = c.req.valid("form").rules;
    const parsed = parseSafetyRules(json);
    if (!parsed.ok) {
      const rules = await companySafetyRules(repos.settings);
      return c.html(
        <SafetySettingsPage ctx={pageContext(c)} rules={rules} json={json} error={parsed.message} />,
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
