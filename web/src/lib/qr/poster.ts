/**
 * 民情码 posters: the texts, and the PNG composed on a canvas in the browser (the server renders the QR code; the
 * poster's Chinese text is drawn with the browser's own fonts, which the server does not have).
 */
import type { QrTarget } from '@minqing/common'

export interface PosterText {
  heading: string
  name: string
  area: string
  scan: string
  sub: string
  url: string
  footer: string
}

type Translate = (key: string) => string

export function posterText(target: QrTarget, t: Translate): PosterText {
  return {
    heading: t('qr.poster.heading'),
    name: target.name,
    // The region's own name is the title already; the line above it says where it lies.
    area: (target.kind === 'place' ? target.areaNames : target.areaNames.slice(0, -1)).join(' · '),
    scan: t('qr.poster.scan'),
    sub: t('qr.poster.sub'),
    url: target.url,
    footer: t('qr.poster.footer'),
  }
}

/** `民情码-石璜镇雅璜村.png`, `民情码-雅璜村民情角.png`. */
export function posterFilename(target: QrTarget): string {
  const where = target.kind === 'place' ? `${target.areaNames.slice(-1)[0] ?? ''}${target.name}` : target.areaNames.slice(1).join('') || target.name
  return `民情码-${where.replace(/[\\/:*?"<>|\s]+/g, '')}.png`
}

/** A4 portrait at 150 dpi. */
const POSTER_SIZE = { width: 1240, height: 1754 }
const RED = '#c8102e'
const FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'

/** The canvas calls the poster needs (a real 2D context, or a recorder in tests). */
export type PosterCanvas = Pick<CanvasRenderingContext2D, 'fillStyle' | 'font' | 'textAlign' | 'textBaseline' | 'fillRect' | 'fillText' | 'drawImage' | 'measureText'>

/** Text no wider than `max`: shrunk down to `min` px, then cut with an ellipsis. */
function fit(ctx: PosterCanvas, text: string, size: number, min: number, max: number, weight = ''): { text: string; font: string } {
  for (let s = size; s >= min; s -= 4) {
    const font = `${weight} ${s}px ${FONT}`.trim()
    ctx.font = font
    if (ctx.measureText(text).width <= max) return { text, font }
  }
  const font = `${weight} ${min}px ${FONT}`.trim()
  ctx.font = font
  let cut = [...text]
  while (cut.length > 1 && ctx.measureText(cut.join('') + '…').width > max) cut = cut.slice(0, -1)
  return { text: cut.join('') + '…', font }
}

export function drawPoster(ctx: PosterCanvas, p: PosterText, qr: CanvasImageSource, size = POSTER_SIZE) {
  const { width: W, height: H } = size
  const cx = W / 2
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, W, H)
  ctx.fillStyle = RED
  ctx.fillRect(0, 0, W, 300)
  ctx.fillRect(0, H - 90, W, 90)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'

  ctx.fillStyle = '#ffffff'
  ctx.font = `bold 150px ${FONT}`
  ctx.fillText(p.heading, cx, 160)

  ctx.fillStyle = '#1f2329'
  const name = fit(ctx, p.name, 96, 48, W - 160, 'bold')
  ctx.font = name.font
  ctx.fillText(name.text, cx, 410)
  if (p.area) {
    ctx.fillStyle = '#646a73'
    const area = fit(ctx, p.area, 44, 28, W - 160)
    ctx.font = area.font
    ctx.fillText(area.text, cx, 510)
  }

  const q = 760
  const top = 580
  ctx.fillStyle = RED
  ctx.fillRect(cx - q / 2 - 16, top - 16, q + 32, q + 32)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(cx - q / 2 - 8, top - 8, q + 16, q + 16)
  ctx.drawImage(qr, cx - q / 2, top, q, q)

  ctx.fillStyle = RED
  ctx.font = `bold 84px ${FONT}`
  ctx.fillText(p.scan, cx, top + q + 120)
  ctx.fillStyle = '#646a73'
  ctx.font = `40px ${FONT}`
  ctx.fillText(p.sub, cx, top + q + 205)
  const url = fit(ctx, p.url, 28, 18, W - 160)
  ctx.fillStyle = '#8f959e'
  ctx.font = url.font
  ctx.fillText(url.text, cx, top + q + 265)

  ctx.fillStyle = '#ffffff'
  ctx.font = `34px ${FONT}`
  ctx.fillText(p.footer, cx, H - 45)
}

/** Fetch the QR PNG (with the session cookie), draw the poster on a canvas, and give it back as a PNG. */
export async function renderPosterPng(pngUrl: string, text: PosterText): Promise<Blob> {
  const res = await fetch(pngUrl, { credentials: 'include' })
  if (!res.ok) throw new Error(`QR code: HTTP ${res.status}`)
  const qr = await createImageBitmap(await res.blob())
  try {
    const canvas = document.createElement('canvas')
    canvas.width = POSTER_SIZE.width
    canvas.height = POSTER_SIZE.height
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('no canvas')
    ctx.imageSmoothingEnabled = false
    drawPoster(ctx, text, qr)
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'))
  } finally {
    qr.close()
  }
}

/** Hand a blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
