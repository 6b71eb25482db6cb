import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { texts, lang } from './i18n'
import { ApiError, explain, fieldError } from './api'

// generated/codes.json is every code the server can send, read from its Go
// source by server/httpapi's TestErrorTexts (which fails when the list is
// stale), so a new server code without words here fails this test.
const codes: { errors: string[]; fields: string[] } = JSON.parse(readFileSync(join(__dirname, 'generated', 'codes.json'), 'utf8'))
const hasCJK = /[\u3000-\u9fff\uff00-\uffef]/

describe('error words', () => {
  it('has zh and en words for every code the server sends', () => {
    expect(codes.errors.length).toBeGreaterThan(40)
    expect(codes.fields.length).toBeGreaterThan(15)
    const missing = [
      ...codes.errors.map((c) => 'err.' + c),
      ...codes.fields.map((c) => 'fe.' + c),
    ].filter((k) => !texts[k] || !hasCJK.test(texts[k][0]) || !texts[k][1] || hasCJK.test(texts[k][1].replace(/[\u4e00-\u9fff]+ \(/g, '(')))
    expect(missing).toEqual([])
  })
  it('shows the words for the code, never the server detail', () => {
    lang.value = 'zh'
    const e = new ApiError(409, 'email_taken', 'email already registered')
    expect(e.message).toBe('该邮箱已注册，请直接登录')
    expect(explain(e)).toBe(e.message)
    lang.value = 'en'
    expect(e.message).toBe('This email is already registered; sign in instead')
    expect(explain(new ApiError(500, 'some_new_code', 'a detail nobody should see'))).toBe('That did not work; please try again later')
    expect(explain(new TypeError('Failed to fetch'))).toBe('Cannot reach the server; check the connection and retry')
    lang.value = 'zh'
  })
  it('names each invalid field and its problem', () => {
    lang.value = 'zh'
    const e = new ApiError(400, 'validation_failed', 'validation failed', [
      { field: 'oneLiner', code: 'required', message: 'add a one-liner before publishing' },
      { field: 'slots[1].startupId', code: 'not_found' },
      { field: 'mystery', code: 'no_such_code' },
    ])
    expect(e.message).toBe('一句话介绍：必填；项目：不存在或未发布；无效')
    expect(fieldError(e, 'oneLiner')).toBe('一句话介绍：必填')
    expect(fieldError(e, 'askWan')).toBe('')
    expect(e.message).not.toContain('oneLiner')
    lang.value = 'en'
    expect(fieldError(e, 'oneLiner')).toBe('One-liner: required')
    lang.value = 'zh'
  })
})
