import { cleanup, configure } from '@testing-library/react'
import { afterEach, vi } from 'vitest'

// findBy/waitFor give up after 1 s by default; on a loaded 2-core CI machine a debounced preview alone can take
// longer to render. Waiting longer never makes a passing assertion fail, it only stops slow machines from flaking.
configure({ asyncUtilTimeout: 5_000 })

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
  vi.unstubAllEnvs()
  vi.useRealTimers()
})
