import { useEffect } from 'react'
import { t } from '../i18n'

/** The tab's title while the page is shown: the page's name first, so that tabs tell pages apart. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = t('app.page_title', { page: title })
  }, [title])
}
