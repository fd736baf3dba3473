/** The colour scheme: the system's (prefers-color-scheme) unless the user picked one, remembered per browser. */
export type ThemeChoice = 'system' | 'light' | 'dark'

const KEY = 'chard.theme'
const ORDER: readonly ThemeChoice[] = ['system', 'light', 'dark']

export function storedTheme(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(KEY)
    return ORDER.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system'
  } catch {
    return 'system' // Storage refused (private mode): follow the system.
  }
}

/** Sets `data-theme` on the root element for a picked scheme; without it the stylesheet follows the system. */
export function applyTheme(choice: ThemeChoice) {
  const root = document.documentElement
  if (choice === 'system') {
    delete root.dataset.theme
  } else {
    root.dataset.theme = choice
  }
  try {
    window.localStorage.setItem(KEY, choice)
  } catch {
    // Not remembered; still applied.
  }
}

/** The toggle's next choice: system, light, dark, then system again. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length]
}
