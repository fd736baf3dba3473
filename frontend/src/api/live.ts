/**
 * How often live pages poll; React Query pauses while the tab is hidden. The list needs the server's filtering and
 * paging on every change anyway, and the stream's workers event comes at the same 2-second pace.
 */
export const LIVE_REFRESH_MS = 2_000
