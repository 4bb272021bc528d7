import { describe, expect, it } from 'vitest'
import { escapeHtml, html } from './html.ts'

describe('escapeHtml', () => {
  it('escapes the characters that open tags, entities and attributes', () => {
    expect(escapeHtml(`<img src=x onerror="window.__xss=1">`)).toBe('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;')
    expect(escapeHtml(`'"><svg onload=window.__xss=1>`)).toBe('&#39;&quot;&gt;&lt;svg onload=window.__xss=1&gt;')
    expect(escapeHtml('a & b `c`')).toBe('a &amp; b &#96;c&#96;')
    // already-escaped text is escaped again (shown as typed, never decoded)
    expect(escapeHtml('&lt;')).toBe('&amp;lt;')
  })

  it('leaves Chinese text and numbers alone, and makes null/undefined empty', () => {
    expect(escapeHtml('石璜镇 雅璜村委会')).toBe('石璜镇 雅璜村委会')
    expect(escapeHtml(42)).toBe('42')
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(undefined)).toBe('')
  })

  it('escaped markup parses back to the original text, with no element', () => {
    const payload = `<script>window.__xss=1</script><img src=x onerror="window.__xss=1">`
    const div = document.createElement('div')
    div.innerHTML = `<span>${escapeHtml(payload)}</span>`
    expect(div.textContent).toBe(payload)
    expect(div.querySelectorAll('img, script').length).toBe(0)
  })
})

describe('html``', () => {
  it('escapes the values, not the template', () => {
    expect(html`<b>${'<i>x</i>'}</b>: ${3}`).toBe('<b>&lt;i&gt;x&lt;/i&gt;</b>: 3')
  })
})
