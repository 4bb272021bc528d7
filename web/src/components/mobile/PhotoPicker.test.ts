// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { showImagePreview } from 'vant'
import { preparePhoto } from '../../lib/diary/image.ts'
import { usePhotoSlots } from '../../lib/photos/usePhotoSlots.ts'
import PhotoPicker from './PhotoPicker.vue'

vi.mock('vant', async (importOriginal) => ({ ...(await importOriginal<typeof import('vant')>()), showImagePreview: vi.fn() }))
vi.mock('../../lib/diary/image.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../lib/diary/image.ts')>()), preparePhoto: vi.fn() }))

/** A page with a picker of `max` photos; `props` go to PhotoPicker as a page would pass them. */
function page(max: number, props: { testidPrefix: string; itemTestid?: string; addLabel?: string }) {
  let picker!: ReturnType<typeof usePhotoSlots>
  const wrapper = mount(
    defineComponent({
      setup() {
        picker = usePhotoSlots(max, { failed: vi.fn() })
        return () => h(PhotoPicker, { picker, removeLabel: '删除照片', ...props })
      },
    }),
  )
  return { wrapper, picker }
}
const ids = (w: ReturnType<typeof mount>) => w.findAll('[data-testid]').map((e) => e.attributes('data-testid'))

describe('PhotoPicker', () => {
  beforeEach(() => {
    vi.mocked(preparePhoto).mockImplementation(async (f) => ({ blob: f, name: 'p.jpg', type: 'image/jpeg', width: 1, height: 1, originalSize: f.size, compressed: false }))
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    vi.spyOn(URL, 'revokeObjectURL').mockReturnValue()
  })
  afterEach(() => vi.restoreAllMocks())

  it('names the grid, each photo, the add tile and the input after the prefix, and hides the add tile when full', async () => {
    const { wrapper, picker } = page(2, { testidPrefix: 'm-diary-photo' })
    expect(ids(wrapper)).toEqual(['m-diary-photos', 'm-diary-photo-add', 'm-diary-photo-input'])
    await picker.add([new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')])
    await wrapper.vm.$nextTick()
    expect(ids(wrapper)).toEqual(['m-diary-photos', 'm-diary-photo-0', 'm-diary-photo-1'])
    expect(wrapper.find('[data-testid=m-diary-photo-1] button').attributes('aria-label')).toBe('删除照片')
    await wrapper.find('[data-testid=m-diary-photo-0] button').trigger('click')
    expect(ids(wrapper)).toEqual(['m-diary-photos', 'm-diary-photo-0', 'm-diary-photo-add', 'm-diary-photo-input'])
    wrapper.unmount()
  })

  it('can give every thumbnail one test id and the add tile a label', async () => {
    const { wrapper, picker } = page(9, { testidPrefix: 'm-task-photo', itemTestid: 'm-task-photo', addLabel: '添加照片' })
    await picker.add([new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')])
    await wrapper.vm.$nextTick()
    expect(ids(wrapper)).toEqual(['m-task-photos', 'm-task-photo', 'm-task-photo', 'm-task-photo-add', 'm-task-photo-input'])
    expect(wrapper.find('[data-testid=m-task-photo-add]').attributes('aria-label')).toBe('添加照片')
    wrapper.unmount()
  })

  it('previews the photos from the one tapped', async () => {
    let n = 0
    vi.mocked(URL.createObjectURL).mockImplementation(() => `blob:${++n}`)
    const { wrapper, picker } = page(9, { testidPrefix: 'pub-photo' })
    await picker.add([new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')])
    await wrapper.vm.$nextTick()
    await wrapper.find('[data-testid=pub-photo-1] img').trigger('click')
    expect(showImagePreview).toHaveBeenCalledWith({ images: ['blob:1', 'blob:2'], startPosition: 1, closeable: true })
    wrapper.unmount()
  })
})
