import { label } from '../../i18n'

/** A coloured pill for an execution's status; the colour comes from the `status-<name>` class. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${status}`} data-testid="status-badge" data-status={status}>
      {label('status', status)}
    </span>
  )
}
