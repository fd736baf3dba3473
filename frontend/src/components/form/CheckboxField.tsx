interface CheckboxFieldProps {
  label: string
  checked: boolean
  onChange: (checked: boolean) => void
  value?: string
  /** Shown on hover, e.g. what a role allows. */
  title?: string
}

/** A checkbox with its caption after it, as a row of choices reads. */
export function CheckboxField({ label, checked, onChange, value, title }: CheckboxFieldProps) {
  return (
    <label title={title}>
      <input type="checkbox" value={value} checked={checked} onChange={(event) => onChange(event.target.checked)} />{' '}
      {label}
    </label>
  )
}
