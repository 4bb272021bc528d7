import { describe, expect, it } from 'vitest'
import { hostProblem, publicUrlInfo } from './public-url.ts'

// 民情码 posters encode PUBLIC_URL or, without it, the request's own address: which hosts residents' phones can open.
describe('hostProblem', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.20', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.10.1', 'link_local'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['[fd00::8]', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:c0a8:0114', 'private'],
    ['localhost', 'loopback'],
    ['LOCALHOST', 'loopback'],
    ['localhost.', 'loopback'],
    ['app.localhost', 'loopback'],
    ['minqing.local', 'local_name'],
    ['nas.lan', 'local_name'],
    ['router.home.arpa', 'local_name'],
    ['minqing', 'local_name'],
  ] as const)('%s: %s', (host, problem) => {
    expect(hostProblem(host)).toBe(problem)
  })

  it.each([
    '8.8.8.8',
    '172.15.0.1',
    '172.32.0.1',
    '192.169.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '11.0.0.1',
    '2001:db8::1',
    '2408:8207::1',
    'fec0::1',
    '::ffff:8.8.8.8',
    'mq.example.cn',
    'minqing.sz.gov.cn',
    'local.example.com',
  ])('%s: reachable', (host) => {
    expect(hostProblem(host)).toBeNull()
  })
})

describe('publicUrlInfo', () => {
  it('trusts PUBLIC_URL, whatever its host', () => {
    expect(publicUrlInfo('https://mq.example.cn', { protocol: 'http', host: '127.0.0.1:8080' })).toEqual({ value: 'https://mq.example.cn', source: 'config', reachable: true, reason: null })
    expect(publicUrlInfo('http://10.1.2.3', { protocol: 'http', host: '127.0.0.1:8080' })).toMatchObject({ source: 'config', reachable: true })
  })

  it('judges the request’s own address, port and IPv6 brackets included', () => {
    expect(publicUrlInfo(undefined, { protocol: 'http', host: '127.0.0.1:8080' })).toEqual({ value: 'http://127.0.0.1:8080', source: 'request', reachable: false, reason: 'loopback' })
    expect(publicUrlInfo(undefined, { protocol: 'http', host: '[::1]:8080' })).toEqual({ value: 'http://[::1]:8080', source: 'request', reachable: false, reason: 'loopback' })
    expect(publicUrlInfo(undefined, { protocol: 'http', host: '[fd00::5]' })).toMatchObject({ reachable: false, reason: 'private' })
    expect(publicUrlInfo(undefined, { protocol: 'http', host: '192.168.1.20:8080' })).toMatchObject({ reachable: false, reason: 'private' })
    expect(publicUrlInfo(undefined, { protocol: 'http', host: 'localhost:8080' })).toMatchObject({ reachable: false, reason: 'loopback' })
    expect(publicUrlInfo(undefined, { protocol: 'https', host: 'mq.example.cn' })).toEqual({ value: 'https://mq.example.cn', source: 'request', reachable: true, reason: null })
  })

  it('a host header that is no host at all is not reachable', () => {
    expect(publicUrlInfo(undefined, { protocol: 'http', host: 'bad host/x' })).toMatchObject({ source: 'request', reachable: false })
  })
})
