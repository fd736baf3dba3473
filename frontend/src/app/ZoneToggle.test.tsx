import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { Time } from '../components/Time'
import { browserTimeZone } from '../timeZones'
import { ZoneToggle } from './ZoneToggle'
import { pickZone } from './zoneChoice'

describe('ZoneToggle', () => {
  it('switches every time shown between the browser zone and UTC, names the zone and remembers the choice', () => {
    pickZone('local')
    render(
      <>
        <ZoneToggle />
        <Time instant="2026-11-25T19:13:36Z" show="exact" />
      </>,
    )
    const toggle = screen.getByTestId('zone-toggle')
    expect(toggle.textContent).toBe(`Times: local (${browserTimeZone()})`)

    fireEvent.click(toggle)

    expect(toggle.textContent).toBe('Times: UTC')
    expect(screen.getByText('2026-11-25 19:13:36 UTC')).toBeTruthy()
    expect(window.localStorage.getItem('chard.time-zone')).toBe('utc')
  })

  it('shows how long ago with the exact time on hover by default', () => {
    pickZone('utc')
    const instant = new Date(Date.now() - 180_000).toISOString()
    render(<Time instant={instant} />)
    const time = screen.getByText('3 min ago')
    expect(time.getAttribute('datetime')).toBe(instant)
    expect(time.getAttribute('title')).toMatch(/ UTC$/)
  })
})
