// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { canDrill, categoryTooltip, fitStage, formatClock, formatRate, placeBelow, pointTooltip, Refresher, trendSeries, trendTooltip } from './cockpit.ts'

const PAYLOAD = '<img src=x onerror="window.__xss=1">'
/** What a browser shows for an HTML string: the text, and whether an element came out of it. */
function render(markup: string) {
  const div = document.createElement('div')
  div.innerHTML = markup
  return { text: div.textContent, img: div.querySelector('img') }
}

describe('fitStage', () => {
  it('fits and centers the 1920×1080 stage', () => {
    expect(fitStage(1920, 1080)).toEqual({ scale: 1, left: 0, top: 0 })
    const s = fitStage(1280, 1024)
    expect(s.scale).toBeCloseTo(1280 / 1920)
    expect(s.left).toBe(0)
    expect(s.top).toBeCloseTo((1024 - 1080 * (1280 / 1920)) / 2)
  })
})

describe('formatRate', () => {
  it('shows percentages with at most one decimal, and a dash without a denominator', () => {
    expect(formatRate(0.8654)).toBe('86.5%')
    expect(formatRate(1)).toBe('100%')
    expect(formatRate(0)).toBe('0%')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(undefined)).toBe('—')
  })
})

describe('placeBelow', () => {
  const path = ['嵊州市', '石璜镇', '雅璜村', '第一网格']
  it('names the place below the region on screen: every village has a 第一网格', () => {
    expect(placeBelow(path, 'county')).toBe('石璜镇 / 雅璜村 / 第一网格')
    expect(placeBelow(path, 'town')).toBe('雅璜村 / 第一网格')
    expect(placeBelow(path, 'grid')).toBe('第一网格')
    expect(placeBelow(['嵊州市'], 'county')).toBe('嵊州市')
  })
})

describe('canDrill', () => {
  it('opens towns and villages, not grids', () => {
    expect(canDrill('town')).toBe(true)
    expect(canDrill('village')).toBe(true)
    expect(canDrill('grid')).toBe(false)
  })
})

describe('trendSeries', () => {
  it('lines last year up by month and day, as long as this year', () => {
    const s = trendSeries({
      thisYear: [
        { day: '2026-01-01', count: 3 },
        { day: '2026-01-02', count: 1 },
      ],
      lastYear: [{ day: '2025-01-01', count: 5 }],
    })
    expect(s).toEqual({ days: ['01-01', '01-02'], thisYear: [3, 1], lastYear: [5, null] })
    expect(trendSeries(undefined).days).toEqual([])
  })
})

describe('tooltips show user text as text (ECharts and Leaflet insert them as HTML)', () => {
  it('category bar', () => {
    const out = render(categoryTooltip([{ name: PAYLOAD, value: 4 }]))
    expect(out.img).toBeNull()
    expect(out.text).toBe(`${PAYLOAD}: 4`)
  })
  it('trend', () => {
    const out = render(trendTooltip([{ axisValue: '01-02', seriesName: PAYLOAD, value: 2 }]))
    expect(out.img).toBeNull()
    expect(out.text).toContain(PAYLOAD)
  })
  it('map point', () => {
    const out = render(pointTooltip('办理中', PAYLOAD, true, '超期'))
    expect(out.img).toBeNull()
    expect(out.text).toBe(`办理中 · ${PAYLOAD} · 超期`)
  })
})

describe('Refresher', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('refetches at once on changed, again a moment later, and every minute without the stream', async () => {
    let calls = 0
    const r = new Refresher(async () => void calls++, { followUpMs: 1500, fallbackMs: 60_000 })
    await r.start()
    expect(calls).toBe(1)
    r.changed()
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toBe(2)
    await vi.advanceTimersByTimeAsync(1500)
    expect(calls).toBe(3)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls).toBe(4)
    r.stop()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(calls).toBe(4)
  })

  it('never loads twice at once: a refresh during a load runs once after it', async () => {
    let active = 0
    let most = 0
    let calls = 0
    const r = new Refresher(async () => {
      calls++
      active++
      most = Math.max(most, active)
      await new Promise((res) => setTimeout(res, 100))
      active--
    })
    const first = r.refresh()
    void r.refresh()
    void r.refresh()
    await vi.advanceTimersByTimeAsync(300)
    await first
    expect(most).toBe(1)
    expect(calls).toBe(2)
  })
})

describe('formatClock', () => {
  it('shows the county’s time (Asia/Shanghai), the zone its 今日 is counted in, whatever the browser’s zone', () => {
    // 19:43 UTC on 7 December is 03:43 on 8 December in 嵊州.
    const c = formatClock(new Date('2026-12-07T19:43:58Z'), 'zh-CN')
    expect(c.time).toBe('03:43:58')
    expect(c.date).toContain('12月8日')
    expect(formatClock(new Date('2026-12-07T19:43:58Z'), 'en').time).toBe('03:43:58')
  })
})
