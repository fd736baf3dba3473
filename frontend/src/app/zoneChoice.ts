import { useSyncExternalStore } from 'react'
import { ZONE_CHOICES, zoneOf } from '../displayTime'
import type { ZoneChoice } from '../displayTime'

/** The zone every page shows times in, picked with the navbar's toggle and remembered per browser. */
const KEY = 'chard.time-zone'
const listeners = new Set<() => void>()

function stored(): ZoneChoice {
  try {
    const value = window.localStorage.getItem(KEY)
    return ZONE_CHOICES.includes(value as ZoneChoice) ? (value as ZoneChoice) : 'local'
  } catch {
    return 'local' // Storage refused (private mode): the browser's zone.
  }
}

let current: ZoneChoice = stored()

export function pickZone(choice: ZoneChoice) {
  current = choice
  try {
    window.localStorage.setItem(KEY, choice)
  } catch {
    // Not remembered; still applied.
  }
  listeners.forEach((listener) => listener())
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useZoneChoice(): ZoneChoice {
  return useSyncExternalStore(subscribe, () => current)
}

/** The IANA zone times are shown in now. */
export function useTimeZone(): string {
  return zoneOf(useZoneChoice())
}
