import { describe, expect, it } from 'vitest'
import { parseXml, xmlToJson } from '../../../test/xml.ts'
import { escapeXml, formatOfUrl, openOrClosed, parseForm, parseW3c, splitFormat, toXml, updateOf, w3c } from './format.ts'

describe('formats by extension', () => {
  it('reads the last segment only, so category codes with dots stay whole', () => {
    expect(splitFormat('services.xml')).toEqual({ name: 'services', format: 'xml' })
    expect(splitFormat('services.json')).toEqual({ name: 'services', format: 'json' })
    expect(splitFormat('services')).toEqual({ name: 'services', format: 'json' })
    expect(splitFormat('traffic.streetlight')).toEqual({ name: 'traffic.streetlight', format: 'json' })
    expect(splitFormat('traffic.streetlight.xml')).toEqual({ name: 'traffic.streetlight', format: 'xml' })
    expect(formatOfUrl('/open311/v2/requests/MQ-1.xml?api_key=x.json')).toBe('xml')
    expect(formatOfUrl('/open311/v2/nothing.csv')).toBe('json')
  })
})

describe('XML', () => {
  it('prints the spec’s shapes: list containers with named items, null as an empty element', () => {
    const xml = toXml('services', [{ service_code: 'a', metadata: true, keywords: null }])
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<services>\n  <service>\n    <service_code>a</service_code>\n    <metadata>true</metadata>\n    <keywords></keywords>\n  </service>\n</services>\n',
    )
    expect(toXml('errors', [])).toContain('<errors></errors>')
    expect(() => toXml('unknown_list', [1])).toThrow()
  })

  it('escapes markup and drops characters XML cannot carry, so any stored text is a well-formed document', () => {
    const nasty = '<script>alert("x")</script> & \'q\' ]]> \u0001\u0008\uFFFE\uD800 end 𠀀'
    expect(escapeXml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;')
    const xml = toXml('service_requests', [{ description: nasty }])
    expect(xml).not.toContain('<script>')
    const back = xmlToJson(parseXml(xml), ['service_requests']) as { description: string }[]
    expect(back[0].description).toBe('<script>alert("x")</script> & \'q\' ]]>  end 𠀀')
  })

  it('the test reader refuses documents that are not well-formed', () => {
    for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a>&nbsp;</a>', '<a>1</a><b/>', '<a>x<b/></a>', '<a>\u0001</a>', '<a x="1"></a>', '<a>']) expect(() => parseXml(bad), bad).toThrow()
  })
})

describe('W3C datetimes', () => {
  it('prints Shanghai time with its offset', () => {
    expect(w3c(new Date('2026-11-21T01:30:00Z'))).toBe('2026-11-21T09:30:00+08:00')
    expect(w3c(null)).toBeNull()
  })

  it('reads dates, times with Z or an offset, and Shanghai time when no zone is given', () => {
    expect(parseW3c('2026-11-01')?.toISOString()).toBe('2026-10-31T16:00:00.000Z')
    expect(parseW3c('2026-11-01T08:00:00Z')?.toISOString()).toBe('2026-11-01T08:00:00.000Z')
    expect(parseW3c('2026-11-01T08:00:00+08:00')?.toISOString()).toBe('2026-11-01T00:00:00.000Z')
    expect(parseW3c('2026-11-01T08:00:00-0500')?.toISOString()).toBe('2026-11-01T13:00:00.000Z')
    expect(parseW3c('2026-11-01T08:00:00.123456Z')?.toISOString()).toBe('2026-11-01T08:00:00.123Z')
    expect(parseW3c('2026-11-01T08:00')?.toISOString()).toBe('2026-11-01T00:00:00.000Z')
    for (const bad of ['yesterday', '2026-02-30', '2026-13-01', '2026-11-01T25:00:00Z', '2026-11-01T08:00:00+25:00', '', '2026-11-01Z']) expect(parseW3c(bad), bad).toBeUndefined()
  })
})

describe('states and updates', () => {
  it('maps our states to open/closed: only finished cases are closed, a replied one awaits its rating', () => {
    expect(['new', 'dispatched', 'accepted', 'returned', 'extension_requested', 'escalated', 'reopened', 'replied'].map(openOrClosed)).toEqual(Array(8).fill('open'))
    expect(['closed', 'rejected', 'merged'].map(openOrClosed)).toEqual(['closed', 'closed', 'closed'])
  })

  it('turns the events a resident should see into updates, in mySociety’s status words', () => {
    const u = (action: string, data: Record<string, unknown> = {}, note: string | null = null) => updateOf({ action, toState: null, note, data })
    expect(u('dispatch', { unitName: '石璜镇综合执法中队' })).toEqual({ status: 'action_scheduled', description: '已交办 石璜镇综合执法中队 办理' })
    expect(u('accept')?.status).toBe('in_progress')
    expect(u('reply', {}, '已修复')).toEqual({ status: 'fixed', description: '已修复' })
    expect(u('rate', { rating: 'satisfied' })?.status).toBe('closed')
    expect(u('rate', { rating: 'unsatisfied' })?.status).toBe('open')
    expect(u('reject', { kind: 'not_government' }, '不属于政府职责')).toEqual({ status: 'not_councils_responsibility', description: '不属于政府职责' })
    expect(u('reject', { kind: 'spam' }, '广告')?.status).toBe('closed')
    expect(u('merge', { intoNumber: 'MQ-20261121-0001' })).toEqual({ status: 'duplicate', description: '已与事项 MQ-20261121-0001 并案办理' })
    expect(u('return', {}, '不归我单位管')).toEqual({ status: 'for_triage', description: '正在重新研判交办' })
    expect(u('approve_extension', { approved: false })).toBeUndefined()
    for (const internal of ['urge', 'supervise', 'warn', 'overdue', 'accept_overdue', 'extend', 'create', 'comment', 'media_link', 'merged_from']) expect(u(internal), internal).toBeUndefined()
  })
})

describe('form bodies', () => {
  it('decodes fields, keeps the first of a repeated one and never touches the prototype', () => {
    const f = parseForm('a=1&b=%E8%B7%AF%E7%81%AF+x&a=2&__proto__=x&attribute%5Bregion_code%5D=330683105212')
    expect(f).toEqual({ a: '1', b: '路灯 x', 'attribute[region_code]': '330683105212' })
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})
