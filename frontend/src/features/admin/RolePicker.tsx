import { CheckboxField } from '../../components/form/CheckboxField'
import { useRoles } from './queries'

interface RolePickerProps {
  testId: string
  selected: string[]
  onChange: (roles: string[]) => void
}

/** A checkbox per role the server knows; the role's permissions show on hover. */
export function RolePicker({ testId, selected, onChange }: RolePickerProps) {
  const roles = useRoles()

  function toggle(role: string, checked: boolean) {
    onChange(checked ? [...selected, role] : selected.filter((name) => name !== role))
  }

  return (
    <span className="role-picker" data-testid={testId}>
      {roles.data?.items.map((role) => (
        <CheckboxField
          key={role.name}
          label={role.name}
          title={role.permissions.join(', ')}
          value={role.name}
          checked={selected.includes(role.name)}
          onChange={(checked) => toggle(role.name, checked)}
        />
      ))}
    </span>
  )
}
