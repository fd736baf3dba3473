import type { Json } from '../../api/types'
import { formatJson } from '../../format'

export function JsonBlock({ value, testId }: { value: Json; testId: string }) {
  return (
    <pre className="code" data-testid={testId}>
      {formatJson(value)}
    </pre>
  )
}
