import { randomBytes } from 'node:crypto'
import { PLACE_QR_ALPHABET } from '@minqing/common'
import QRCode from 'qrcode'

/** A new 民情码 for a place: 'P' and 8 base32 characters (40 bits: a collision is retried, never silently shared). */
export function newPlaceQrCode(): string {
  return 'P' + [...randomBytes(8)].map((b) => PLACE_QR_ALPHABET[b & 31]).join('')
}

/**
 * The QR code of a link as a PNG. Error correction M survives a poster's scuffs and a thumb over a corner while
 * keeping the modules large enough for old phones at arm's length.
 */
export function qrPng(text: string, size = 512): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: size, color: { dark: '#000000', light: '#ffffff' } })
}
