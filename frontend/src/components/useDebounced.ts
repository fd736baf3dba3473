import { useEffect, useState } from 'react'

/**
 * `value` once it has stayed the same (as JSON) for `delayMs`, so that typing does not call the server on every key;
 * the first value counts at once.
 */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value)
  const key = JSON.stringify(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(JSON.parse(key) as T), delayMs)
    return () => clearTimeout(timer)
  }, [key, delayMs])
  return settled
}
