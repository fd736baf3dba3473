import { useSyncExternalStore } from 'react'

/**
 * One clock for the whole page, ticking every second while anything shows a running time: a list of 200 rows with
 * relative times then costs one timer, not 200.
 */
const TICK_MS = 1_000
const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | undefined

function tick() {
  now = Date.now()
  listeners.forEach((listener) => listener())
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (timer === undefined) {
    now = Date.now()
    timer = setInterval(tick, TICK_MS)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

/** The current time in milliseconds, refreshed every second, for running clocks and relative times. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now)
}
