/** Password-change errors that belong to one field of the form (the rest show at the top). */
export const PASSWORD_ERROR_FIELDS = {
  WRONG_PASSWORD: 'currentPassword',
  WEAK_PASSWORD: 'newPassword',
} as const satisfies Record<string, 'currentPassword' | 'newPassword'>

/** Password errors whose server message says why (which rule the new password broke): shown at the field as is. */
export const PASSWORD_REASON_CODES = ['WEAK_PASSWORD'] as const
