// 民情码 reports by residents: constants and pure helpers shared by the server and the report page (TypeBox-free,
// see archive-enums.ts).

/** Limits of a resident's report. */
export const PUBLIC_DESCRIPTION_MAX = 2000
export const PUBLIC_TITLE_MAX = 100
/** A derived title: the description's first words, at most this many characters. */
export const PUBLIC_DERIVED_TITLE_MAX = 30
export const PUBLIC_NAME_MAX = 40
export const PUBLIC_PHOTOS_MAX = 9
export const PUBLIC_PHOTO_MAX_BYTES = 8 * 1024 * 1024

/** 民情码 of a place: 'P' and 8 characters of Crockford's base32 (no I, L, O, U: nothing to misread on a poster). */
export const PLACE_QR_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const PLACE_QR_PATTERN = /^P[0-9A-HJKMNP-TV-Z]{8}$/
/** What may follow /r/: a region code (6–15 digits) or a place's code. */
export const QR_CODE_PATTERN = '^([0-9]{6,15}|[Pp][0-9A-Za-z]{8})$'

/** Mainland mobile numbers only: a resident leaves a number we can call back or text. */
export const isMainlandMobile = (v: string) => /^1[3-9][0-9]{9}$/.test(v)

/**
 * A title from the description: its first sentence or line, cut to PUBLIC_DERIVED_TITLE_MAX characters (by code
 * point, so a Chinese character or an emoji is never split) with an ellipsis when cut.
 */
export function deriveTitle(description: string, max = PUBLIC_DERIVED_TITLE_MAX): string {
  const text = description.trim()
  const first = (text.split(/[。！？!?；;\r\n]/)[0].trim() || text).replace(/\s+/g, ' ')
  const chars = [...first]
  if (chars.length <= max) return first || '民情反映'
  return chars.slice(0, max - 1).join('') + '…'
}
