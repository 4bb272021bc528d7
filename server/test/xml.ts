/**
 * A strict reader for the XML our APIs print (elements and text, no attributes, no DTD): it refuses anything
 * that is not well-formed — unbalanced or crossed tags, a stray `<` or `&`, an unknown entity, a character XML
 * 1.0 cannot carry, text mixed with elements, a second root — so tests prove the documents are well-formed,
 * and turns them back into the JSON shape for schema checks.
 */
export interface XmlElement {
  name: string
  children: XmlElement[]
  text: string
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const BAD_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

function decode(raw: string): string {
  if (BAD_CHAR.test(raw)) throw new Error(`character not allowed in XML: ${JSON.stringify(raw.match(BAD_CHAR)![0])}`)
  return raw.replace(/&([^;]*);|&/g, (m, ent: string | undefined) => {
    if (ent === undefined) throw new Error('bare & in text')
    if (ent in ENTITIES) return ENTITIES[ent]
    const num = /^#x([0-9a-fA-F]+)$/.exec(ent) ?? /^#([0-9]+)$/.exec(ent)
    if (!num) throw new Error(`unknown entity &${ent};`)
    const cp = parseInt(num[1], ent.startsWith('#x') ? 16 : 10)
    const ch = String.fromCodePoint(cp)
    if (BAD_CHAR.test(ch)) throw new Error(`character reference to a character XML cannot carry: &${ent};`)
    return ch
  })
}

export function parseXml(src: string): XmlElement {
  let i = 0
  const decl = /^<\?xml version="1\.0" encoding="utf-8"\?>\n?/i.exec(src)
  if (decl) i = decl[0].length
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i])) i++
  }
  function element(): XmlElement {
    if (src[i] !== '<') throw new Error(`expected an element at ${i}`)
    const close = src.indexOf('>', i)
    if (close < 0) throw new Error('unterminated tag')
    let tag = src.slice(i + 1, close)
    i = close + 1
    const selfClosing = tag.endsWith('/')
    if (selfClosing) tag = tag.slice(0, -1)
    if (!NAME.test(tag)) throw new Error(`bad tag <${tag}> (attributes are not part of our XML)`)
    const el: XmlElement = { name: tag, children: [], text: '' }
    if (selfClosing) return el
    let text = ''
    for (;;) {
      const lt = src.indexOf('<', i)
      if (lt < 0) throw new Error(`<${tag}> is never closed`)
      text += src.slice(i, lt)
      i = lt
      if (src.startsWith('</', i)) {
        const end = src.indexOf('>', i)
        const name = src.slice(i + 2, end)
        if (name !== tag) throw new Error(`</${name}> closes <${tag}>`)
        i = end + 1
        break
      }
      if (src.startsWith('<!', i) || src.startsWith('<?', i)) throw new Error('comments, CDATA and processing instructions are not part of our XML')
      el.children.push(element())
    }
    if (el.children.length && text.trim()) throw new Error(`<${tag}> mixes text and elements`)
    el.text = el.children.length ? '' : decode(text)
    return el
  }
  skipSpace()
  const root = element()
  skipSpace()
  if (i !== src.length) throw new Error('content after the root element')
  return root
}

/**
 * The element as JSON: elements named in `lists` are arrays of their children, other elements with children
 * are objects, leaves are their text (null when empty). `types` turns leaf text back into numbers/booleans.
 */
export function xmlToJson(el: XmlElement, lists: readonly string[], types: Record<string, 'number' | 'boolean'> = {}): unknown {
  if (lists.includes(el.name)) return el.children.map((c) => xmlToJson(c, lists, types))
  if (el.children.length) {
    const out: Record<string, unknown> = {}
    for (const c of el.children) {
      if (c.name in out) throw new Error(`<${c.name}> repeats inside <${el.name}>`)
      out[c.name] = xmlToJson(c, lists, types)
    }
    return out
  }
  if (el.text === '') return null
  // The same name may be a number in one answer and text in another (an error's code, an attribute's code).
  if (types[el.name] === 'number' && /^-?\d+(\.\d+)?$/.test(el.text)) return Number(el.text)
  if (types[el.name] === 'boolean') return el.text === 'true' ? true : el.text === 'false' ? false : el.text
  return el.text
}
