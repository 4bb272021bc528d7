import { ref, type Ref } from 'vue'
import { ApiError } from '../api/client.ts'
import { fieldErrors, type ErrorDescription } from '../api/errors.ts'
import { useErrors } from './useErrors.ts'

/** What `run` needs of a form that validates itself (an Element Plus `FormInstance`): `validate()` rejects when invalid. */
interface ValidatingForm {
  validate: () => Promise<unknown>
}

export interface FormSubmitOptions<F extends string> {
  /** The form to validate before saving (a template ref); without it `run` saves at once. */
  form?: { readonly value: ValidatingForm | null | undefined }
  /**
   * Error codes that belong to one field: that field shows the error's title, unless the server's
   * details already name a problem for it.
   */
  codeFields?: Partial<Record<string, F>>
  /**
   * Of those, the codes whose server message is the reason the user needs next to the field (a weak password:
   * "contains your phone", "too easy to guess…"): the field shows that message instead of the generic title.
   */
  reasonCodes?: readonly string[]
}

/**
 * Submitting a form to the server: `run(save)` clears the previous errors, validates the form, sets `saving`
 * while `save` runs, and turns what it throws into `serverError` (the form's top error) and `fieldError`
 * (per field, from the ApiError's details and `codeFields`).
 */
export function useFormSubmit<F extends string = string>(options: FormSubmitOptions<F> = {}) {
  const { describe } = useErrors()
  const saving = ref(false)
  const serverError = ref<ErrorDescription | null>(null)
  const fieldError = ref({}) as Ref<Partial<Record<F, string>>>

  function clearErrors() {
    serverError.value = null
    fieldError.value = {}
  }

  function showError(err: unknown) {
    const d = describe(err)
    serverError.value = d
    if (err instanceof ApiError) {
      const fe: Record<string, string> = fieldErrors(err.details)
      const field = options.codeFields?.[err.code]
      if (field && !fe[field]) fe[field] = options.reasonCodes?.includes(err.code) && d.detail ? d.detail : d.title
      fieldError.value = fe as Partial<Record<F, string>>
    }
  }

  /** Resolves to whether `save` ran and succeeded (false: invalid form or an error, now shown). */
  async function run(save: () => Promise<unknown>): Promise<boolean> {
    clearErrors()
    if (options.form) {
      const ok = await options.form.value?.validate().catch(() => false)
      if (!ok) return false
    }
    saving.value = true
    try {
      await save()
      return true
    } catch (err) {
      showError(err)
      return false
    } finally {
      saving.value = false
    }
  }

  return { saving, serverError, fieldError, clearErrors, run }
}
