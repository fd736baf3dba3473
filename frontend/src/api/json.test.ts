import { describe, expect, it } from 'vitest'
import { parseJson, stringifyJson } from './json'

describe('parseJson and stringifyJson', () => {
  it('keep numbers a double cannot hold as they came, and read the rest as numbers', () => {
    const text = '{"ids":[9007199254740993,-123456789012345678901],"price":0.10000000000000000555,"count":3}'
    const value = parseJson(text) as { count: number }
    expect(value.count).toBe(3)
    expect(stringifyJson(value)).toBe(text)
  })

  it('reads text without long numbers with the browser parser, as JSON', () => {
    expect(parseJson('{"a":[1,2.5,"1234567890123456"]}')).toEqual({ a: [1, 2.5, '1234567890123456'] })
  })
})
