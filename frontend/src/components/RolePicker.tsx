import { useQuery } from '@tanstack/react-query'
import { fetchRoles } from '../api/administration'

interface RolePickerProps {
  testId: string
  selected: string[]
  onChange: (roles: string[]) => void
}

/** A checkbox per role the server knows; the role's permissions show on hover. */
export function RolePicker({ testId, selected, onChange }: RolePickerProps) {
  const roles = useQuery({ queryKey: ['roles'], queryFn: fetchRoles, staleTime: Infinity })

  function toggle(role: string, checked: boolean) {
    onChange(checked ? [...selected, role] : selected.filter((name) => name !== role))
  }

  return (
    <span className="role-picker" data-testid={testId}>
      {roles.data?.items.map((role) => (
        <label key={role.name} title={role.permissions.join(', ')}>
          <input
            type="checkbox"
            value={role.name}
            checked={selected.includes(role.name)}
            onChange={(event) => toggle(role.name, event.target.checked)}
          />{' '}
          {role.name}
        </label>
      ))}
    </span>
  )
}
