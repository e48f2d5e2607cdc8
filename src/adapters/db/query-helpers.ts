const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs; a malformed one finds nothing rather than making Postgres throw. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** Escapes %, _ and \ so user text matches literally inside LIKE. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
