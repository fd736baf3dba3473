/**
 * The app is served under this prefix, trailing slash included so that the list's address is the contract's
 * `/admin/background-tasks/`; routes are relative to it.
 */
export const BASENAME = import.meta.env.BASE_URL

export const LOGIN_PATH = '/login'
