import { defineChannel } from "../ports/live-events.ts";

/**
 * A company setting was changed (by key), so every instance drops its copy at once. Not kept
 * for replay: an instance started later reads the setting fresh.
 */
export type SettingsEvent = { type: "changed"; data: { key: string } };

export const SETTINGS_CHANNEL = defineChannel<SettingsEvent>("settings", { changed: "transient" });
