/** Company settings staff edit in the app (the safety advice list…), stored as JSON by key. */
export interface Settings {
  get<T>(key: string): Promise<T | null>;
  set<T>(key: string, value: T, by: string | null): Promise<void>;
}
