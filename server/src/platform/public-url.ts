import { isIPv4, isIPv6 } from 'node:net'
import type { PublicUrlInfo, PublicUrlProblem } from '@minqing/common'

/**
 * Whether residents' phones (on mobile data, outside the office network) can reach a host: loopback, private,
 * link-local and unspecified addresses and names that only a local network resolves cannot. A host we cannot
 * judge (a public address or an ordinary domain name) counts as reachable. Null: reachable.
 */
export function hostProblem(rawHost: string): PublicUrlProblem | null {
  let host = rawHost.trim().toLowerCase().replace(/\.$/, '')
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  host = host.replace(/%.*$/, '') // an IPv6 zone (fe80::1%eth0)
  if (isIPv4(host)) return ipv4Problem(host)
  if (isIPv6(host)) return ipv6Problem(host)
  if (host === '') return 'local_name'
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback'
  // mDNS and home-router names, and a bare name without a dot: only the local network resolves them.
  if (!host.includes('.') || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return 'local_name'
  return null
}

const LOCAL_SUFFIXES = ['.local', '.lan', '.home', '.internal', '.intranet', '.corp', '.localdomain', '.home.arpa']

function ipv4Problem(ip: string): PublicUrlProblem | null {
  const [a, b] = ip.split('.').map(Number)
  if (a === 127) return 'loopback'
  if (a === 0) return 'unspecified'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private'
  // 100.64/10: carrier-grade NAT, shared by a provider's customers and unreachable from outside.
  if (a === 100 && b >= 64 && b <= 127) return 'private'
  if (a === 169 && b === 254) return 'link_local'
  return null
}

function ipv6Problem(ip: string): PublicUrlProblem | null {
  const words = expandIpv6(ip)
  if (words.every((w) => w === 0)) return 'unspecified'
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return 'loopback'
  // ::ffff:a.b.c.d — an IPv4 address written as IPv6.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return ipv4Problem([words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff].join('.'))
  }
  if ((words[0] & 0xfe00) === 0xfc00) return 'private' // fc00::/7, unique local
  if ((words[0] & 0xffc0) === 0xfe80) return 'link_local' // fe80::/10
  return null
}

/** Eight 16-bit words of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 turned into two words). */
function expandIpv6(ip: string): number[] {
  let text = ip
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number)
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined]
  const parse = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : [])
  const left = parse(head)
  const right = parse(tail)
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right]
}

/**
 * The base of links printed for residents, where it came from and whether their phones can open it. PUBLIC_URL is
 * the operator's word and is trusted; an address taken from the request is checked, since it is often the one the
 * operator used on the server itself (http://127.0.0.1:8080) or in the office (http://192.168.1.20:8080).
 */
export function publicUrlInfo(configured: string | undefined, request: { protocol: string; host: string }): PublicUrlInfo {
  if (configured) return { value: configured, source: 'config', reachable: true, reason: null }
  const value = `${request.protocol}://${request.host}`
  let hostname: string
  try {
    hostname = new URL(value).hostname
  } catch {
    return { value, source: 'request', reachable: false, reason: 'local_name' }
  }
  const reason = hostProblem(hostname)
  return { value, source: 'request', reachable: reason === null, reason }
}
