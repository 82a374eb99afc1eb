// The one-time password a person has just signed in with, held in memory only (never in storage)
// so the change-password page can confirm the change with it instead of asking for it again. A
// reload forgets it, and the page then asks for it.
let remembered: { readonly email: string; readonly password: string } | null = null;

export function rememberOneTimePassword(email: string, password: string): void {
  remembered = { email: email.toLowerCase(), password };
}

/** The password `email` signed in with in this tab, if it was a one-time password. */
export function recallOneTimePassword(email: string): string | null {
  return remembered?.email === email.toLowerCase() ? remembered.password : null;
}

export function forgetOneTimePassword(): void {
  remembered = null;
}
