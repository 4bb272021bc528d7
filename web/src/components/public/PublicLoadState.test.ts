// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { ApiError } from '../../api/client.ts'
import { i18n } from '../../i18n/index.ts'
import { usePublicLoad } from '../../lib/public/usePublicLoad.ts'
import PublicLoadState from './PublicLoadState.vue'

/** A resident's page whose data comes from `fetch`, its content a `page-body` div. */
function page(fetch: () => Promise<string>, props: { notFoundHint?: string } = {}) {
  return mount(
    defineComponent({
      setup() {
        const loader = usePublicLoad(fetch)
        return () => h(PublicLoadState, { loader, notFound: '民情码无效', testid: 'pub-load-error', ...props }, () => h('div', { 'data-testid': 'page-body' }, loader.data.value ?? ''))
      },
    }),
    { global: { plugins: [i18n] } },
  )
}

describe('PublicLoadState', () => {
  it('shows a spinner, then the page', async () => {
    let done!: (v: string) => void
    const w = page(() => new Promise((r) => (done = r)))
    await flushPromises()
    expect(w.find('.van-loading').exists()).toBe(true)
    expect(w.find('[data-testid=page-body]').exists()).toBe(false)
    done('内容')
    await flushPromises()
    expect(w.find('.van-loading').exists()).toBe(false)
    expect(w.get('[data-testid=page-body]').text()).toBe('内容')
    w.unmount()
  })

  it('an unknown code: the page’s words and hint, no retry', async () => {
    const w = page(() => Promise.reject(new ApiError(404, 'NOT_FOUND', 'x')), { notFoundHint: '请核对' })
    await flushPromises()
    const empty = w.get('[data-testid=pub-load-error]')
    expect(empty.text()).toContain('民情码无效')
    expect(empty.text()).toContain('请核对')
    expect(empty.find('button').exists()).toBe(false)
    w.unmount()
  })

  it('too many requests: 请稍后再试 and a retry that loads again', async () => {
    let fail = true
    const w = page(async () => {
      if (fail) throw new ApiError(429, 'TOO_MANY_ATTEMPTS', 'slow down')
      return '内容'
    })
    await flushPromises()
    expect(w.get('[data-testid=pub-load-error]').text()).toContain('请稍后再试')
    fail = false
    await w.get('[data-testid=pub-load-error] button').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=pub-load-error]').exists()).toBe(false)
    expect(w.get('[data-testid=page-body]').text()).toBe('内容')
    w.unmount()
  })
})
