/** The LTV report's windows: net spend within N days of a customer's first counted order. */
export const LTV_WINDOW_DAYS = [30, 90, 180, 365] as const;
