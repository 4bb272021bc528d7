import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { i18n } from '../i18n/index.ts'

/** Test helper: runs a composable inside a mounted component (with i18n), returns what it returns. */
export function withSetup<T>(composable: () => T): { result: T; unmount: () => void } {
  let result!: T
  const wrapper = mount(
    defineComponent({
      setup() {
        result = composable()
        return () => h('div')
      },
    }),
    { global: { plugins: [i18n] } },
  )
  return { result, unmount: () => wrapper.unmount() }
}
