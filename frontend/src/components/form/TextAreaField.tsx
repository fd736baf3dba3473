import { Field } from './Field'
import type { FieldFrame } from './Field'

interface TextAreaFieldProps extends FieldFrame {
  value: string
  onChange: (value: string) => void
  rows?: number
  mono?: boolean
}

export function TextAreaField({ label, testId, error, hint, className, value, onChange, rows, mono }: TextAreaFieldProps) {
  return (
    <Field label={label} testId={testId} error={error} hint={hint} className={className}>
      <textarea
        data-testid={testId}
        className={mono ? 'mono' : undefined}
        rows={rows}
        aria-invalid={error ? true : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  )
}
