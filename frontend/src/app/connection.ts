import { createContext, useContext } from 'react'
import type { Connection } from '../api/live'

export interface ConnectionState {
  state: Connection
  /** When the last event arrived (epoch ms), to say how old the page is while offline. */
  lastEventAt: number | null
}

export const ConnectionContext = createContext<ConnectionState>({ state: 'connecting', lastEventAt: null })

/** The live stream's state, for the indicator and the offline banner. */
export function useConnection(): ConnectionState {
  return useContext(ConnectionContext)
}
