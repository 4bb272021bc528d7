import { describe, expect, it } from 'vitest'
import type { QrTarget } from '@minqing/common'
import { drawPoster, posterFilename, posterText, type PosterCanvas } from './poster.ts'

const region: QrTarget = {
  kind: 'region',
  code: '330683105212',
  name: '雅璜村',
  regionCode: '330683105212',
  regionName: '雅璜村',
  areaNames: ['嵊州市', '石璜镇', '雅璜村'],
  placeId: null,
  url: 'https://mq.example.cn/r/330683105212',
  pngUrl: '/api/qr/regions/330683105212.png',
  publicUrl: { value: 'https://mq.example.cn', source: 'config', reachable: true, reason: null },
}
const place: QrTarget = { ...region, kind: 'place', code: 'PK7M2Q9XA', name: '雅璜村民情角', placeId: '00000000-0000-4000-8000-000000000001', url: 'https://mq.example.cn/r/PK7M2Q9XA' }
const t = (k: string) => ({ 'qr.poster.heading': '民情码', 'qr.poster.scan': '扫码反映民情', 'qr.poster.sub': '随时随地', 'qr.poster.footer': '嵊州市民情日记' })[k] ?? k

describe('poster text', () => {
  it('title, where it lies, the call to scan and the link', () => {
    expect(posterText(region, t)).toEqual({ heading: '民情码', name: '雅璜村', area: '嵊州市 · 石璜镇', scan: '扫码反映民情', sub: '随时随地', url: region.url, footer: '嵊州市民情日记' })
    expect(posterText(place, t).area).toBe('嵊州市 · 石璜镇 · 雅璜村')
  })
  it('file names say what the poster is for', () => {
    expect(posterFilename(region)).toBe('民情码-石璜镇雅璜村.png')
    expect(posterFilename(place)).toBe('民情码-雅璜村雅璜村民情角.png')
    expect(posterFilename({ ...region, areaNames: ['嵊州市'], name: '嵊州市' })).toBe('民情码-嵊州市.png')
  })
})

describe('drawPoster', () => {
  it('draws every text and the QR code, shrinking a long name to fit', () => {
    const texts: string[] = []
    const images: number[][] = []
    const ctx: PosterCanvas = {
      fillStyle: '',
      font: '10px sans-serif',
      textAlign: 'start',
      textBaseline: 'alphabetic',
      fillRect: () => undefined,
      fillText: (s: string) => void texts.push(s),
      drawImage: ((_img: unknown, x: number, y: number, w: number, h: number) => void images.push([x, y, w, h])) as PosterCanvas['drawImage'],
      // 1 px per character per px of font size: easy to reason about.
      measureText(this: PosterCanvas, s: string) {
        const size = Number(/(\d+)px/.exec(this.font)?.[1] ?? 10)
        return { width: [...s].length * size } as TextMetrics
      },
    }
    const long = { ...posterText(region, t), name: '很长很长的名字'.repeat(5) }
    drawPoster(ctx, long, {} as CanvasImageSource)
    expect(texts).toContain('民情码')
    expect(texts).toContain('嵊州市 · 石璜镇')
    expect(texts).toContain('扫码反映民情')
    expect(texts).toContain(region.url)
    const drawnName = texts.find((s) => s.startsWith('很长'))!
    expect(drawnName.endsWith('…')).toBe(true)
    expect(images).toEqual([[240, 580, 760, 760]])
  })
})
