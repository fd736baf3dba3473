import { TokensSection } from './TokensSection'
import { UsersSection } from './UsersSection'

export function UsersPage() {
  return (
    <>
      <UsersSection />
      <TokensSection />
    </>
  )
}
