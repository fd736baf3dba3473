import type { InputHTMLAttributes, ReactNode } from 'react'
import { Field } from './Field'
import type { FieldFrame } from './Field'

type InputAttributes = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'className' | 'children'>

export interface TextFieldProps extends FieldFrame, InputAttributes {
  value: string
  onChange: (value: string) => void
  /** Fixed-width text, for names and expressions the user must type exactly. */
  mono?: boolean
  /** What belongs to the input, e.g. the `datalist` its `list` names. */
  children?: ReactNode
}

/** An input whose value is the text as typed (also for `number`, `search`, `password`, `datetime-local`). */
export function TextField({ label, testId, error, hint, className, value, onChange, mono, children, ...input }: TextFieldProps) {
  return (
    <Field label={label} testId={testId} error={error} hint={hint} className={className}>
      <input
        data-testid={testId}
        className={mono ? 'mono' : undefined}
        aria-invalid={error ? true : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...input}
      />
      {children}
    </Field>
  )
}

/** A number input; the value stays the text as typed, so that a half-typed number is not lost. */
export function NumberField(props: Omit<TextFieldProps, 'type'>) {
  return <TextField type="number" {...props} />
}
