import { usePageTitle } from '../../components/usePageTitle'
import { t } from '../../i18n'
import { TokensSection } from './TokensSection'
import { UsersSection } from './UsersSection'

export function UsersPage() {
  usePageTitle(t('users.title'))
  return (
    <>
      <UsersSection />
      <TokensSection />
    </>
  )
}
