import { useRouteError } from 'react-router'
import { ErrorMessage } from '../components/ErrorMessage'

/**
 * What a page shows when it fails to load or to draw (a page loaded on demand whose file a deploy renamed under an
 * open tab, a 503 for it, a fault while drawing): the error, inside the layout, with the navigation kept. Without it
 * the router replaced the whole app with its bare "Unexpected Application Error!".
 */
export function PageError() {
  return <ErrorMessage error={useRouteError()} />
}
