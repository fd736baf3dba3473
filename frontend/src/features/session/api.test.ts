import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { login } from './api'

describe('the session API', () => {
  it('posts the credentials to /login as JSON', async () => {
    const calls = mockFetch({ 'POST /login': { body: { username: 'ann', roles: [], permissions: [] } } })
    await login('ann', 'secret')
    expect(calls[0].body).toEqual({ username: 'ann', password: 'secret' })
  })
})
