import { useMemo, useState } from 'react'
import type { Json } from '../../api/types'
import { formatJson } from '../../format'
import { t } from '../../i18n'

/** A JSON value, pretty-printed in the order the server sent it; folds away, and copies with one click. */
export function JsonBlock({ value, testId }: { value: Json; testId: string }) {
  const [copied, setCopied] = useState(false)
  // Once per value: the detail page draws again at every tick of its clock, and pretty-printing a value of a few MB
  // took about 100 ms each time, blocking the page every second while it was open.
  const text = useMemo(() => formatJson(value), [value])

  async function copy() {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      setCopied(false) // No clipboard (insecure context): the text is still there to select.
    }
  }

  return (
    <div className="json-block">
      {/* The button stays outside the summary: a control inside another is unreachable to assistive tech. */}
      <button type="button" className="link small" data-testid={`${testId}-copy`} onClick={() => void copy()}>
        {copied ? t('json.copied') : t('json.copy')}
      </button>
      <details open>
        <summary className="muted small">{t('json.toggle')}</summary>
        <pre className="code" data-testid={testId}>
          {text}
        </pre>
      </details>
    </div>
  )
}
