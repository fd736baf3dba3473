import { Field } from './Field'
import type { FieldFrame } from './Field'

interface SelectFieldProps<T extends string> extends FieldFrame {
  choices: readonly T[]
  /** The text of each choice. */
  choiceLabel: (choice: T) => string
  value: T
  onChange: (value: T) => void
}

/** A drop-down of fixed choices; `onChange` answers the chosen one, typed. */
export function SelectField<T extends string>({
  label,
  testId,
  error,
  hint,
  className,
  choices,
  choiceLabel,
  value,
  onChange,
}: SelectFieldProps<T>) {
  return (
    <Field label={label} testId={testId} error={error} hint={hint} className={className}>
      <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value as T)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choiceLabel(choice)}
          </option>
        ))}
      </select>
    </Field>
  )
}
